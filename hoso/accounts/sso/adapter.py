"""allauth's hooks for single sign-on: the apps are the Sở's enabled configurations (no
SocialApp rows, no settings), a sign-in links to an existing account or is refused, and every
failure of the protocol shows a Vietnamese page (hoso.accounts.sso.views.refusal)."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.http import HttpRequest
from requests import RequestException

from hoso.accounts.models import SsoProvider
from hoso.accounts.sso import selectors
from hoso.accounts.sso.services import (
    SECRET_PURPOSE,
    Refusal,
    SsoRefused,
    sso_login_link,
    sso_refusal_record,
)
from hoso.accounts.sso.views import refusal
from hoso.core.http import client_ip
from hoso.core.secrets import unseal_or_empty


def social_app(config: SsoProvider) -> SocialApp:
    return SocialApp(
        provider="openid_connect",
        provider_id=config.provider_id,
        name=config.get_kind_display(),
        client_id=config.client_id,
        secret=unseal_or_empty(SECRET_PURPOSE, config.client_secret),
        settings={
            "server_url": config.issuer_url,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": False,  # the signed ID token says all we use
        },
    )


class HosoSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False  # staff accounts come from the school, never from a sign-in

    def list_apps(
        self, request: HttpRequest | None, provider: Any = None, client_id: Any = None
    ) -> list[SocialApp]:
        """The enabled configurations; asked for one provider id, that one even when switched
        off (allauth needs it to show or remove a link made before; signing in through it is
        refused by our URLs and again in pre_social_login)."""
        if provider in (None, "openid_connect"):
            configs = selectors.enabled_providers()
        else:
            configs = [c for c in [selectors.provider_by_id(str(provider))] if c is not None]
        return [social_app(c) for c in configs if client_id in (None, c.client_id)]

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        config = selectors.enabled_provider(str(sociallogin.account.provider))
        claims = sociallogin.account.extra_data.get("id_token") or {}
        email = str(claims.get("email") or "")
        try:
            if config is None:
                raise SsoRefused(Refusal.OFF)
            sso_login_link(config=config, sociallogin=sociallogin, ip=client_ip(request))
        except SsoRefused as exc:
            _refuse(request, config, exc.reason, email=email)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        config = selectors.enabled_provider(str(getattr(provider, "sub_id", "")))
        reason = _reason(error, exception, extra_context or {})
        cause = getattr(exception, "__cause__", None) or exception
        _refuse(request, config, reason, detail=type(cause).__name__ if cause else "")


def _reason(error: Any, exception: Any, context: dict[str, Any]) -> str:
    if error == AuthError.CANCELLED:
        return Refusal.CANCELLED
    if exception is None and "callback_view" in context and context.get("state") is None:
        return Refusal.STATE
    if isinstance(exception, OAuth2Error):
        text = str(exception)
        if "nonce" in text:
            return Refusal.NONCE
        return Refusal.ID_TOKEN if "id_token" in text else Refusal.TOKEN
    if isinstance(exception, RequestException):
        return Refusal.UNREACHABLE
    return Refusal.UNKNOWN


def _refuse(
    request: HttpRequest,
    config: SsoProvider | None,
    reason: str,
    email: str = "",
    detail: str = "",
) -> None:
    sso_refusal_record(
        config=config, reason=reason, email=email, ip=client_ip(request), detail=detail
    )
    raise ImmediateHttpResponse(refusal(request, str(Refusal.MESSAGES[reason])))
