"""DRF authentication for /api/v1/: personal API tokens (hoso.accounts.tokens), and the
browser's session — accepted (the signing page's script calls the API with it) only once it has
completed the second factor; see hoso.accounts.two_factor and docs/security.md."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request

from hoso.accounts import services, tokens, two_factor
from hoso.core.http import client_ip


class TwoFactorRequired(exceptions.APIException):
    status_code = 403
    default_code = "two_factor_required"


class TwoFactorSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        state = two_factor.session_state(request._request, result[0])
        if state is two_factor.SecondFactor.ENROL:
            raise TwoFactorRequired(two_factor.ENROL_MESSAGE)
        if state is two_factor.SecondFactor.VERIFY:
            raise TwoFactorRequired(two_factor.VERIFY_MESSAGE)
        return result


TOKEN_REFUSED = gettext_lazy("Mã API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")  # noqa: S105


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` against hoso.accounts.tokens (hashed, expiring, revocable)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        key = tokens.key_from_header(header)
        if key is None:
            return None  # another scheme: not ours
        token = tokens.live_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(TOKEN_REFUSED)
        services.note_use(token, client_ip(request._request))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return tokens.KEYWORD
