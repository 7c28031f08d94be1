from __future__ import annotations

from django.urls import path

from hoso.signing.remote.views import providers
from hoso.signing.remote.views import requests as remote
from hoso.signing.views import batches, certificates, queues, signatures

app_name = "signing"

urlpatterns = [
    path("cho-ky/", queues.sign_queue_page, name="sign-queue"),
    path("cho-dong-dau/", queues.seal_queue_page, name="seal-queue"),
    path("ky/<int:pk>/", queues.sign_one, name="sign"),
    path("ky-hang-loat/", batches.batch_start, name="batch-start"),
    path("lo/<int:pk>/", batches.batch_page, name="batch"),
    path("lo/<int:pk>/tien-do/", batches.batch_progress, name="batch-progress"),
    path("chung-thu/", certificates.certificates_page, name="certificates"),
    path("kiem-tra/", signatures.validate_page, name="validate"),
    path("ho-so/<int:pk>/", signatures.record_signatures, name="record-signatures"),
    path("tu-xa/", remote.remote_start, name="remote-start"),
    path("tu-xa/nha-cung-cap/", providers.providers_page, name="providers"),
    path("tu-xa/nha-cung-cap/<int:pk>/", providers.provider_page, name="provider"),
    path("tu-xa/lien-ket/", providers.credential_link, name="credential-link"),
    path("tu-xa/lien-ket-con-dau/", providers.seal_credential_link, name="seal-credential-link"),
    path("tu-xa/<int:pk>/", remote.remote_page, name="remote"),
    path("tu-xa/<int:pk>/trang-thai/", remote.remote_progress, name="remote-progress"),
    path("tu-xa/<int:pk>/huy/", remote.remote_cancel, name="remote-cancel"),
]
