"""API conventions: errors as {"code", "message" (Vietnamese), "fields"} with the right 4xx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The largest id a database key holds (SQLite INTEGER, PostgreSQL bigint): a larger number in a
# request is refused as invalid input, never passed on to overflow in the database driver.
MAX_ID = 2**63 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An input field naming a row by its id."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


_MESSAGES = {
    exceptions.NotAuthenticated: (
        "not_authenticated",
        gettext_lazy("Bạn cần đăng nhập hoặc gửi mã API."),
    ),
    exceptions.AuthenticationFailed: (
        "authentication_failed",
        gettext_lazy("Mã API hoặc thông tin đăng nhập không đúng."),
    ),
    exceptions.PermissionDenied: (
        "not_allowed",
        gettext_lazy("Bạn không có quyền thực hiện thao tác này."),
    ),
    exceptions.NotFound: ("not_found", gettext_lazy(NOT_FOUND_MESSAGE)),
    exceptions.MethodNotAllowed: (
        "method_not_allowed",
        gettext_lazy("Phương thức không được hỗ trợ."),
    ),
    exceptions.ParseError: (
        "parse_error",
        gettext_lazy("Dữ liệu gửi lên không đọc được (JSON không hợp lệ)."),
    ),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        gettext_lazy("Kiểu dữ liệu gửi lên không được hỗ trợ."),
    ),
    exceptions.Throttled: (
        "throttled",
        gettext_lazy("Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau."),
    ),
}


def error_body(
    code: str, message: _StrOrPromise, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _("Dữ liệu không hợp lệ."), fields)
        return response
    code, message = next(
        ((c, m) for cls, (c, m) in _MESSAGES.items() if isinstance(exc, cls)),
        (str(getattr(exc, "default_code", "error")), str(getattr(exc, "detail", _("Lỗi")))),
    )
    response.data = error_body(code, str(message))
    return response


def domain_error_response(error: DomainError) -> Response:
    return Response(error_body(error.code, error.message, error.fields), status=error.status)


__all__ = ["domain_error_response", "error_body", "exception_handler", "status"]
