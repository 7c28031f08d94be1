from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hoso.core import api_errors
from hoso.core.api import error_body
from hoso.core.errors import NOT_FOUND_MESSAGE


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
