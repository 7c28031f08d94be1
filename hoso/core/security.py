"""Request limits: a per-client rate limit on the endpoints attackers hammer (login, API token,
uploads), keyed by the person (session or API token) and by the address only for anonymous
requests. django-axes still does the per-account lockout; this stops one address from trying
many accounts and one person from flooding uploads. Rates are per URL name, POST only
(settings.HOSO_RATE_LIMITS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_ratelimit.core import is_ratelimited

from hoso.core.api import error_body
from hoso.core.http import client_ip

THROTTLED_MESSAGE = gettext_noop(
    "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng chờ một phút rồi thử lại."
)

# URL name → rate. Upload names are the records app's; a name that does not exist is harmless.
DEFAULT_RATE_LIMITS = {
    "account_login": "20/m",
    "mfa_authenticate": "20/m",
    "account_reset_password": "10/m",
    "api-token": "20/m",
    "families:redeem": "10/m",  # a parent's invitation code (public)
    "records:upload": "60/m",
    "records:new-version": "60/m",
    "api-records": "60/m",
    "api-record-versions": "60/m",
}


def rate_limits() -> dict[str, str]:
    configured: dict[str, str] | None = getattr(settings, "HOSO_RATE_LIMITS", None)
    return DEFAULT_RATE_LIMITS if configured is None else configured


def _client_key(_group: str, request: HttpRequest) -> str:
    # Per person whenever the request says who it is — a session or an API token (a school
    # shares one address behind NAT); per address only for anonymous requests. The limiter runs
    # before DRF authenticates, so the token is looked up here (without recording its use).
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token_user = _token_user_id(request)
    if token_user is not None:
        return f"user:{token_user}"
    return f"ip:{client_ip(request)}"


TokenUserLookup = Callable[[str], "int | None"]
_token_lookups: list[TokenUserLookup] = []


def register_token_user_lookup(lookup: TokenUserLookup) -> None:
    """The accounts app tells the limiter whose API token an Authorization header carries."""
    if lookup not in _token_lookups:
        _token_lookups.append(lookup)


def _token_user_id(request: HttpRequest) -> int | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    for lookup in _token_lookups:
        user_id = lookup(header)
        if user_id is not None:
            return user_id
    return None


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        rate = rate_limits().get(name)
        if rate is None or request.method != "POST":
            return None
        limited = is_ratelimited(
            request,
            group=f"hoso:{name}",
            key=_client_key,
            rate=rate,
            method="POST",
            increment=True,
        )
        return throttled_response(request) if limited else None


def throttled_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body("throttled", _(THROTTLED_MESSAGE)), status=429
        )
    else:
        response = render(
            request,
            "core/error.html",
            {"title": _("Quá nhiều yêu cầu"), "message": _(THROTTLED_MESSAGE)},
            status=429,
        )
    response["Retry-After"] = "60"
    return response


NUL_MESSAGE = gettext_lazy(
    "Yêu cầu chứa ký tự không hợp lệ (NUL). Hãy kiểm tra lại địa chỉ hoặc dữ liệu gửi lên."
)


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is never legitimate; PostgreSQL refuses it in
    text, so without this check `?q=%00` is a server error on every list page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "\x00" in request.META.get("QUERY_STRING", "")
            or any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            )
        ):
            return bad_request_response(request, str(NUL_MESSAGE))
        return self.get_response(request)


def bad_request_response(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", message), status=400)
    return render(
        request,
        "core/error.html",
        {"title": _("Yêu cầu không hợp lệ"), "message": message},
        status=400,
    )
