"""Refuse sessions that have not completed the second factor (hoso.accounts.two_factor) on every
path, the API included; wrap account POSTs in one transaction so that the audit entry commits
with the change it records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from hoso.accounts import two_factor
from hoso.accounts.lockout import ip_is_locked
from hoso.accounts.selectors import has_totp
from hoso.core.api import error_body

ENROL_URL = "/tai-khoan/2fa/totp/activate/"
# What a session that still has to enrol may open: signing in and out, allauth's two-factor
# pages, reauthentication, its own account page (read only), the static files and the scripts'
# translations (every page loads them).
_ENROL_ALLOWED_PREFIXES = (
    "/tai-khoan/login/",
    "/tai-khoan/logout/",
    "/tai-khoan/2fa/",
    "/tai-khoan/reauthenticate/",
    "/static/",
    "/jsi18n/",
    "/healthz",
    "/i18n/",
)
_ENROL_ALLOWED_EXACT = frozenset({"/tai-khoan/cua-toi/"})
# A session to be signed out may still reach these without being signed out first (the scripts'
# translations: the pages it may still see load them).
_VERIFY_ALLOWED_PREFIXES = (
    "/static/",
    "/jsi18n/",
    "/healthz",
    "/tai-khoan/login/",
    "/tai-khoan/logout/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        if request.method == "POST" and request.path.startswith("/tai-khoan/"):
            return self._account_post(request)
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        is_api = request.path.startswith("/api/")
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            return None  # a token request: DRF authenticates it, not this session
        state = two_factor.session_state(request, user)
        if state is two_factor.SecondFactor.OK:
            return None
        if state is two_factor.SecondFactor.ENROL:
            if request.path in _ENROL_ALLOWED_EXACT or (
                request.path.startswith(_ENROL_ALLOWED_PREFIXES)
            ):
                return None
            if is_api:
                return _api_refusal("two_factor_required", str(two_factor.ENROL_MESSAGE), 403)
            return redirect(ENROL_URL)
        if request.path.startswith(_VERIFY_ALLOWED_PREFIXES):
            return None
        logout(request)
        if is_api:
            return _api_refusal("two_factor_required", str(two_factor.VERIFY_MESSAGE), 401)
        return redirect_to_login(request.get_full_path())

    def _account_post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        enrolling = request.path == ENROL_URL and user.is_authenticated and not has_totp(user)
        with transaction.atomic():
            response = self.get_response(request)
        if enrolling and has_totp(user):
            two_factor.mark_enrolled(request, user)
        return response


def _api_refusal(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


_LOGIN_VIEWS = frozenset({"account_login", "api-token"})


class IpLockoutMiddleware:
    """Refuse login attempts from an address that failed too often (hoso.accounts.lockout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in _LOGIN_VIEWS:
            return None
        if not ip_is_locked(request):
            return None
        from hoso.accounts.views import lockout_response

        return lockout_response(request)
