from __future__ import annotations

from django.urls import path

from hoso.drive_import import views

app_name = "drive_import"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.school_page, name="school"),
    path("<int:pk>/quy-tac/", views.rules_page, name="rules"),
    path("<int:pk>/xuat/", views.export_new, name="export-new"),
    path("lo/<int:pk>/", views.batch_page, name="batch"),
    path("lo/<int:pk>/tien-do/", views.batch_progress, name="batch-progress"),
    path("lo/<int:pk>/ky/", views.batch_periods, name="batch-periods"),
    path("xuat/<int:pk>/", views.export_page, name="export"),
    path("xuat/<int:pk>/tien-do/", views.export_progress, name="export-progress"),
    path("xuat/<int:pk>/tep.zip", views.export_file, name="export-file"),
]
