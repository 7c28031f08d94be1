from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from hoso.accounts import api as accounts_api
from hoso.accounts import views as account_views
from hoso.accounts.sso import views as sso_views
from hoso.audit import views as audit_views
from hoso.core import views as core_views
from hoso.org import views as org_views
from hoso.org.api import imports as api_import
from hoso.org.api import people as org_api
from hoso.org.csdl import api as api_csdl
from hoso.org.csdl import views as csdl_views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("units/", org_api.UnitList.as_view(), name="api-units"),
    path("people/", org_api.PersonList.as_view(), name="api-people"),
    path("people/<int:pk>/", org_api.PersonDetail.as_view(), name="api-person"),
    path("students/", org_api.StudentList.as_view(), name="api-students"),
    path("students/<int:pk>/", org_api.StudentDetail.as_view(), name="api-student"),
    path("imports/<str:kind>/", api_import.ImportView.as_view(), name="api-import"),
    path(
        "imports/<str:kind>/template/",
        api_import.ImportTemplateView.as_view(),
        name="api-import-template",
    ),
    path("csdl/preview/", api_csdl.PreviewView.as_view(), name="api-csdl-preview"),
    path("csdl/confirm/", api_csdl.ConfirmView.as_view(), name="api-csdl-confirm"),
    path("csdl/export/<str:layout_id>/", api_csdl.ExportView.as_view(), name="api-csdl-export"),
    path("", include("hoso.grading.api.urls")),
    path("", include("hoso.signing.api_urls")),
    path("", include("hoso.retention.api_urls")),
    path("", include("hoso.records.api.urls")),
    path("library/", include("hoso.library.api_urls")),
    path("offices/", include("hoso.offices.api_urls")),
    path("webhooks/", include("hoso.webhooks.api_urls")),
    path("", include("hoso.schoollife.api_urls")),
    path("sso/", include("hoso.accounts.sso.api_urls")),
    path("drive-import/", include("hoso.drive_import.api_urls")),
    path("families/", include("hoso.families.api_urls")),
]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The language switch (set_language, name "set_language"): a POST from the footer.
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "jsi18n/<str:language>/",
        core_views.javascript_catalogue,
        name="javascript-catalog",
    ),
    path("api/v1/", include(api_v1)),
    path("tai-khoan/cua-toi/", account_views.my_account, name="my-account"),
    path("tai-khoan/cua-toi/ma-api/", account_views.api_token, name="my-api-token"),
    path("tai-khoan/dang-nhap-mot-lan/", sso_views.settings_page, name="sso-settings"),
    path("tai-khoan/", include("hoso.accounts.urls_allauth")),
    path("don-vi/", org_views.units, name="units"),
    path("nhan-su/", org_views.staff_list, name="staff-list"),
    path("hoc-sinh/", org_views.student_list, name="student-list"),
    path("nhap-du-lieu/", org_views.import_page, name="import"),
    path("nhap-du-lieu/mau/<str:kind>.xlsx", org_views.import_template, name="import-template"),
    path("nhap-du-lieu/csdl/", csdl_views.csdl_page, name="csdl"),
    path(
        "nhap-du-lieu/csdl/xuat/<str:layout_id>.xlsx", csdl_views.csdl_download, name="csdl-export"
    ),
    path("nhat-ky/", audit_views.audit_log_page, name="audit-log"),
    path("ho-so/", include("hoso.records.urls")),
    path("so-diem/", include("hoso.grading.urls")),
    path("so-sach/", include("hoso.books.urls")),
    path("ky-so/", include("hoso.signing.urls")),
    path("luu-tru/", include("hoso.retention.urls")),
    path("thu-vien/", include("hoso.library.urls")),
    path("qua-trinh-hoc-tap/", include("hoso.schoollife.urls")),
    path("van-phong/", include("hoso.offices.urls")),
    path("webhook/", include("hoso.webhooks.urls")),
    path("nhap-thu-muc/", include("hoso.drive_import.urls")),
    path("phu-huynh/", include("hoso.families.urls")),
    path("quan-tri/", admin.site.urls),
]

handler400 = "hoso.core.views.bad_request"
handler404 = "hoso.core.views.not_found"
handler500 = "hoso.core.views.server_error"
handler403 = "hoso.core.views.forbidden"
