from __future__ import annotations

from django.urls import path

from hoso.records.evidence.urls import urlpatterns as evidence_urlpatterns
from hoso.records.views import chains, dashboard, files, office_types, pages

app_name = "records"

urlpatterns = [
    *evidence_urlpatterns,  # before "<int:pk>/phien-ban/<int:number>/<str:what>/"
    path("", pages.mine, name="mine"),
    path("tai-len/", pages.upload, name="upload"),
    path("tai-len/ky/", pages.upload_periods, name="upload-periods"),
    path("danh-muc/", pages.catalogue, name="catalogue"),
    path("cho-duyet/", pages.review_queue, name="review-queue"),
    path("loai-ho-so/", office_types.type_list, name="office-types"),
    path("loai-ho-so/them/", office_types.type_new, name="office-type-new"),
    path("loai-ho-so/phan-cap/", office_types.type_delegation, name="office-type-delegation"),
    path("loai-ho-so/<int:pk>/", office_types.type_detail, name="office-type"),
    path("loai-ho-so/<int:pk>/dieu-chinh/", office_types.type_adapt, name="office-type-adapt"),
    path("loai-ho-so/<int:pk>/ngung/", office_types.type_retire, name="office-type-retire"),
    path("chuoi-ky/", chains.chain_list, name="chains"),
    path("chuoi-ky/<int:unit_id>/<int:type_id>/", chains.chain_edit, name="chain-edit"),
    # One "Chờ ký" page: the signing app's, where one can actually sign; the old address stays.
    path("cho-ky/", pages.signing_queue_moved, name="signing-queue"),
    path("thong-bao/", pages.notifications, name="notifications"),
    path("tim-kiem/", dashboard.search, name="search"),
    path("tinh-hinh-nop/", dashboard.completion_page, name="completion"),
    path("tinh-hinh-nop/xuat.xlsx", dashboard.completion_export, name="completion-export"),
    path("han-nop/", dashboard.due_items, name="due-items"),
    path("han-nop/<int:pk>/gia-han/", dashboard.extend, name="extend"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/phien-ban/", pages.new_version, name="new-version"),
    path("<int:pk>/xoa/", pages.delete, name="delete"),
    path("<int:pk>/<str:action>/", pages.act, name="act"),
    path(
        "<int:pk>/phien-ban/<int:number>/tien-do/",
        pages.version_progress,
        name="version-progress",
    ),
    path(
        "<int:pk>/phien-ban/<int:number>/<str:what>/",
        files.version_file,
        name="version-file",
    ),
]
