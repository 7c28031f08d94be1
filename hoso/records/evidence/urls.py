"""Pages of evidence, included in hoso/records/urls.py (namespace "records")."""

from __future__ import annotations

from django.urls import path

from hoso.records.evidence import views

urlpatterns = [
    path("minh-chung/", views.evidence_home, name="evidence-home"),
    path("minh-chung/<int:pk>/", views.evidence_page, name="evidence"),
    path("minh-chung/<int:pk>/xuat.xlsx", views.evidence_xlsx, name="evidence-xlsx"),
    path("minh-chung/<int:pk>/tai-lieu.zip", views.evidence_zip, name="evidence-zip"),
    path("<int:pk>/phien-ban/<int:number>/minh-chung/", views.evidence_tag, name="evidence-tag"),
]
