"""The one place where an exception nobody expected in an API request becomes an answer: a
logged 500 with a Vietnamese JSON body and a reference to find it in the log. Django's own
4xx exceptions (404, 403, a request too large or malformed) become the same JSON shape.

It runs after hoso.core.retry.DeadlockRetryMiddleware (placed before it in MIDDLEWARE, so its
process_exception is called later): a deadlock is first retried, only then reported."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext, gettext_lazy

from hoso.core.api import error_body
from hoso.core.errors import NOT_FOUND_MESSAGE

log = logging.getLogger("hoso.api")

API_PREFIX = "/api/"
SERVER_ERROR_MESSAGE = gettext_lazy(
    "Hệ thống gặp sự cố khi xử lý yêu cầu (mã lỗi: {ref}). Vui lòng thử lại sau ít phút; "
    "nếu lỗi lặp lại, hãy báo mã lỗi này cho quản trị hệ thống."
)
FORBIDDEN_MESSAGE = gettext_lazy("Bạn không có quyền thực hiện thao tác này.")
TOO_LARGE_MESSAGE = gettext_lazy("Dữ liệu gửi lên quá lớn.")
BAD_REQUEST_MESSAGE = gettext_lazy("Yêu cầu không hợp lệ.")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found_json() -> JsonResponse:
    return JsonResponse(error_body("not_found", gettext(NOT_FOUND_MESSAGE)), status=404)


def forbidden_json() -> JsonResponse:
    return JsonResponse(error_body("not_allowed", FORBIDDEN_MESSAGE), status=403)


def bad_request_json(exception: BaseException | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body("too_large", TOO_LARGE_MESSAGE), status=413)
    return JsonResponse(error_body("bad_request", BAD_REQUEST_MESSAGE), status=400)


def server_error_json(request: HttpRequest, exception: BaseException | None) -> JsonResponse:
    ref = secrets.token_hex(4)
    log.error(
        "unexpected error %s on %s %s",
        ref,
        request.method,
        request.path,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else True,
    )
    return JsonResponse(
        error_body("server_error", SERVER_ERROR_MESSAGE.format(ref=ref)), status=500
    )


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None  # pages: Django's handlers (hoso.core.views) answer
        if isinstance(exception, Http404):
            return not_found_json()
        if isinstance(exception, PermissionDenied):
            return forbidden_json()
        if isinstance(exception, SuspiciousOperation | BadRequest):
            return bad_request_json(exception)
        from hoso.core.unavailable import is_outage, unavailable_response

        if is_outage(exception):
            return unavailable_response(request, exception)
        return server_error_json(request, exception)
