from __future__ import annotations

from django.urls import path

from hoso.signing import views, views_providers, views_remote

app_name = "signing"

urlpatterns = [
    path("cho-ky/", views.sign_queue_page, name="sign-queue"),
    path("cho-dong-dau/", views.seal_queue_page, name="seal-queue"),
    path("ky/<int:pk>/", views.sign_one, name="sign"),
    path("ky-hang-loat/", views.batch_start, name="batch-start"),
    path("lo/<int:pk>/", views.batch_page, name="batch"),
    path("lo/<int:pk>/tien-do/", views.batch_progress, name="batch-progress"),
    path("chung-thu/", views.certificates_page, name="certificates"),
    path("kiem-tra/", views.validate_page, name="validate"),
    path("ho-so/<int:pk>/", views.record_signatures, name="record-signatures"),
    path("tu-xa/", views_remote.remote_start, name="remote-start"),
    path("tu-xa/nha-cung-cap/", views_providers.providers_page, name="providers"),
    path("tu-xa/nha-cung-cap/<int:pk>/", views_providers.provider_page, name="provider"),
    path("tu-xa/lien-ket/", views_providers.credential_link, name="credential-link"),
    path("tu-xa/<int:pk>/", views_remote.remote_page, name="remote"),
    path("tu-xa/<int:pk>/trang-thai/", views_remote.remote_progress, name="remote-progress"),
    path("tu-xa/<int:pk>/huy/", views_remote.remote_cancel, name="remote-cancel"),
]
