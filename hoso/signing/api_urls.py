from __future__ import annotations

from django.urls import path

from hoso.signing import api, api_remote, external_batch_api

urlpatterns = [
    path("records/<int:pk>/sign/", api.RecordSign.as_view(), name="api-record-sign"),
    path(
        "records/<int:pk>/sign/prepare/",
        api.RecordSignPrepare.as_view(),
        name="api-record-sign-prepare",
    ),
    path(
        "records/<int:pk>/sign/complete/",
        api.RecordSignComplete.as_view(),
        name="api-record-sign-complete",
    ),
    path("records/<int:pk>/seal/", api.RecordSeal.as_view(), name="api-record-seal"),
    path(
        "records/<int:pk>/signatures/", api.RecordSignatures.as_view(), name="api-record-signatures"
    ),
    path("signatures/validate/", api.Validate.as_view(), name="api-signatures-validate"),
    path("signing/certificates/", api.CertificateList.as_view(), name="api-signing-certificates"),
    path("signing/batches/", api.BatchList.as_view(), name="api-signing-batches"),
    path("signing/batches/<int:pk>/", api.BatchDetail.as_view(), name="api-signing-batch"),
    path(
        "signing/usb-batches/",
        external_batch_api.UsbBatchPlanView.as_view(),
        name="api-signing-usb-batches",
    ),
    path("signing/remote/", api_remote.RemoteList.as_view(), name="api-signing-remote"),
    path(
        "signing/remote/<int:pk>/",
        api_remote.RemoteDetail.as_view(),
        name="api-signing-remote-request",
    ),
    path(
        "signing/remote/<int:pk>/cancel/",
        api_remote.RemoteCancel.as_view(),
        name="api-signing-remote-cancel",
    ),
]
