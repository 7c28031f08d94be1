from __future__ import annotations

from django.urls import path

from hoso.signing.api import batches, certificates, external_batch, validation
from hoso.signing.remote.api import providers as remote_providers_api
from hoso.signing.remote.api import requests as remote_api

urlpatterns = [
    path("signatures/validate/", validation.Validate.as_view(), name="api-signatures-validate"),
    path(
        "signing/certificates/",
        certificates.CertificateList.as_view(),
        name="api-signing-certificates",
    ),
    path("signing/batches/", batches.BatchList.as_view(), name="api-signing-batches"),
    path("signing/batches/<int:pk>/", batches.BatchDetail.as_view(), name="api-signing-batch"),
    path(
        "signing/usb-batches/",
        external_batch.UsbBatchPlanView.as_view(),
        name="api-signing-usb-batches",
    ),
    path("signing/remote/", remote_api.RemoteList.as_view(), name="api-signing-remote"),
    path(
        "signing/remote/providers/",
        remote_providers_api.ProviderList.as_view(),
        name="api-signing-remote-providers",
    ),
    path(
        "signing/remote/providers/<int:pk>/",
        remote_providers_api.ProviderDetail.as_view(),
        name="api-signing-remote-provider",
    ),
    path(
        "signing/remote/providers/<int:pk>/test/",
        remote_providers_api.ProviderTest.as_view(),
        name="api-signing-remote-provider-test",
    ),
    path(
        "signing/remote/<int:pk>/",
        remote_api.RemoteDetail.as_view(),
        name="api-signing-remote-request",
    ),
    path(
        "signing/remote/<int:pk>/cancel/",
        remote_api.RemoteCancel.as_view(),
        name="api-signing-remote-cancel",
    ),
]
