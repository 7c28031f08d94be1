from __future__ import annotations

from django.urls import path

from hoso.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/duyet/", views.proposal_approve, name="approve"),
    path("<int:pk>/khong-duyet/", views.proposal_refuse, name="refuse"),
    path("thoi-han/", views.periods, name="periods"),
    path("thoi-han/<int:pk>/", views.period_set, name="period-set"),
    path("ho-so/<int:pk>/", views.record_panel, name="record-panel"),
]
