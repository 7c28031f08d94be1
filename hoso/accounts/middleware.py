"""Send people whose role requires 2FA to enrol before they can do anything else; wrap account
POSTs in one transaction so that the audit entry commits with the change it records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hoso.accounts.lockout import ip_is_locked
from hoso.accounts.services import has_totp, requires_two_factor

ENROL_URL = "/tai-khoan/2fa/totp/activate/"
_ALWAYS_ALLOWED = ("/tai-khoan/", "/static/", "/healthz", "/api/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_enrol(request):
            return redirect(ENROL_URL)
        if request.method == "POST" and request.path.startswith("/tai-khoan/"):
            with transaction.atomic():
                return self.get_response(request)
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(_ALWAYS_ALLOWED):
            return False
        return requires_two_factor(user) and not has_totp(user)


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
