from __future__ import annotations

from django.urls import path

from hoso.drive_import import api

urlpatterns = [
    path("schools/<int:pk>/batches/", api.DriveBatchList.as_view(), name="api-drive-batches"),
    path("schools/<int:pk>/rules/", api.DriveRuleList.as_view(), name="api-drive-rules"),
    path(
        "schools/<int:pk>/rules/<int:rule>/", api.DriveRuleDetail.as_view(), name="api-drive-rule"
    ),
    path("schools/<int:pk>/exports/", api.YearExportList.as_view(), name="api-drive-exports"),
    path("batches/<int:pk>/", api.DriveBatchDetail.as_view(), name="api-drive-batch"),
    path("batches/<int:pk>/items/", api.DriveItemList.as_view(), name="api-drive-items"),
    path("batches/<int:pk>/confirm/", api.DriveBatchConfirm.as_view(), name="api-drive-confirm"),
    path("batches/<int:pk>/reapply/", api.DriveBatchReapply.as_view(), name="api-drive-reapply"),
    path("exports/<int:pk>/", api.YearExportDetail.as_view(), name="api-drive-export"),
    path("exports/<int:pk>/file/", api.YearExportFile.as_view(), name="api-drive-export-file"),
]
