from __future__ import annotations

from django.urls import path

from hoso.schoollife import views

app_name = "schoollife"

urlpatterns = [
    path("", views.movement_list, name="index"),
    path("hoc-sinh/<int:pk>/", views.student_page, name="student"),
    path("hoc-sinh/<int:pk>/nhap-hoc/", views.admit, name="admit"),
    path("hoc-sinh/<int:pk>/chuyen-lop/", views.change_class, name="change-class"),
    path("hoc-sinh/<int:pk>/bo-hoc/", views.drop_out, name="drop-out"),
    path("hoc-sinh/<int:pk>/luu-ban/", views.repeat, name="repeat"),
    path("hoc-sinh/<int:pk>/hoan-thanh/", views.complete, name="complete"),
    path("hoc-sinh/<int:pk>/chuyen-di/", views.transfer, name="transfer"),
    path("goi/<int:pk>/", views.package, name="package"),
    path("tep/<int:pk>/", views.received_file, name="file"),
    path("chuyen-den/", views.receive, name="receive"),
]
