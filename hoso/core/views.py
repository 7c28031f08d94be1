from __future__ import annotations

import functools
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import condition, require_GET
from django.views.i18n import JavaScriptCatalog

from hoso.core import api_errors, unavailable
from hoso.core.api import error_body
from hoso.core.errors import NOT_FOUND_MESSAGE
from hoso.core.locale import javascript_catalogue_version, our_apps


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The catalogue's address carries its version (?v=…, hoso.core.locale): a browser may keep it
# this long without asking again.
CATALOGUE_MAX_AGE = 30 * 24 * 3600


@require_GET
def javascript_catalogue(request: HttpRequest, language: str) -> HttpResponseBase:
    """The translations of the static scripts' gettext() strings in `language` (the djangojs
    catalogues of HoSo's apps), as JavaScript: gettext, ngettext, interpolate and get_format.
    Public (the sign-in page's scripts need it too) and the same for everyone: cached in the
    shared cache and in the browser, answered with 304 to a browser that has this version."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = _cached_catalogue()(request)
    response.headers["Content-Language"] = language
    return response


@functools.cache
def _cached_catalogue() -> Callable[..., HttpResponseBase]:
    version = javascript_catalogue_version()
    view = JavaScriptCatalog.as_view(packages=our_apps())
    cached = cache_page(CATALOGUE_MAX_AGE, key_prefix=f"jsi18n-{version}")(view)
    return condition(etag_func=lambda request: f"{translation.get_language()}-{version}")(cached)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.not_found_json()
    return render(
        request,
        "core/error.html",
        {
            "title": _("Không tìm thấy"),
            "message": _(NOT_FOUND_MESSAGE),
        },
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.forbidden_json()
    return render(
        request,
        "core/error.html",
        {
            "title": _("Không có quyền"),
            "message": _("Bạn không có quyền thực hiện thao tác này."),
        },
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.bad_request_json(exception)
    return render(
        request,
        "core/error.html",
        {
            "title": _("Yêu cầu không hợp lệ"),
            "message": _(
                "Yêu cầu không hợp lệ hoặc dữ liệu gửi lên quá lớn. Hãy kiểm tra lại rồi thử lại."
            ),
        },
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]  # Django calls this handler inside its `except` block
    if unavailable.is_outage(exc):
        return unavailable.unavailable_response(request, exc)
    if api_errors.is_api(request):
        # Django has already logged the exception (django.request); only the body is ours.
        return JsonResponse(
            error_body("server_error", api_errors.SERVER_ERROR_MESSAGE.format(ref="-")),
            status=500,
        )
    return render(
        request,
        "core/error.html",
        {
            "title": _("Đã có lỗi"),
            "message": _(
                "Hệ thống gặp sự cố khi xử lý yêu cầu. Dữ liệu của bạn không bị thay đổi; "
                "vui lòng thử lại sau ít phút hoặc báo cho văn thư của trường."
            ),
        },
        status=500,
    )
