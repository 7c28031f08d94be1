from __future__ import annotations

from django.urls import path

from hoso.schoollife import api

urlpatterns = [
    path("students/<int:pk>/school-life/", api.StudentHistory.as_view(), name="api-school-life"),
    path(
        "movements/<int:pk>/package/",
        api.PackageDownload.as_view(),
        name="api-school-life-package",
    ),
    path(
        "schools/<int:pk>/transfer-in/preview/",
        api.TransferInPreview.as_view(),
        name="api-transfer-in-preview",
    ),
    path("schools/<int:pk>/transfer-in/", api.TransferIn.as_view(), name="api-transfer-in"),
]
