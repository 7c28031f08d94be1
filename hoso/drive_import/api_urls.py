from __future__ import annotations

from django.urls import path

from hoso.drive_import import api

urlpatterns = [
    path("schools/<int:pk>/batches/", api.BatchList.as_view(), name="api-drive-batches"),
    path("schools/<int:pk>/rules/", api.RuleList.as_view(), name="api-drive-rules"),
    path("schools/<int:pk>/rules/<int:rule>/", api.RuleDetail.as_view(), name="api-drive-rule"),
    path("schools/<int:pk>/exports/", api.ExportList.as_view(), name="api-drive-exports"),
    path("batches/<int:pk>/", api.BatchDetail.as_view(), name="api-drive-batch"),
    path("batches/<int:pk>/items/", api.ItemList.as_view(), name="api-drive-items"),
    path("batches/<int:pk>/confirm/", api.BatchConfirm.as_view(), name="api-drive-confirm"),
    path("batches/<int:pk>/reapply/", api.BatchReapply.as_view(), name="api-drive-reapply"),
    path("exports/<int:pk>/", api.ExportDetail.as_view(), name="api-drive-export"),
    path("exports/<int:pk>/file/", api.ExportFile.as_view(), name="api-drive-export-file"),
]
