"""allauth's OpenID Connect provider, stricter: a nonce in every authorization request (kept
in allauth's one-use state and compared in services.sso_login_link), PKCE, the ID token
required and its signature checked against the provider's published keys even though it came
over the back channel, with its issuer, audience (our client ID) and expiry."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import HttpRequest, HttpResponse

NONCE_KEY = "hoso_nonce"
# The nonce this browser's pending sign-in expects, read by our callback view from allauth's
# state before allauth takes the state out of the session (views.callback).
EXPECTED_NONCE_ATTRIBUTE = "hoso_sso_nonce"


class HosoOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("no id_token")
        login = super().complete_login(request, app, token, **kwargs)
        # Refused here, before allauth looks the provider account up (and updates a link).
        expected = str(getattr(request, EXPECTED_NONCE_ATTRIBUTE, "") or "")
        got = str((login.account.extra_data.get("id_token") or {}).get("nonce") or "")
        if not expected or not hmac.compare_digest(expected.encode(), got.encode()):
            raise OAuth2Error("nonce mismatch")
        return login

    def _decode_id_token(self, app: Any, id_token: str) -> dict[str, Any]:
        return dict(
            jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        )


class HosoOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = HosoOIDCAdapter
    # Our URLs (hoso.accounts.sso.urls) wrap allauth's: they refuse a provider the Sở turned off.
    package = "hoso.accounts.sso"

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: Any = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        kwargs[NONCE_KEY] = nonce  # stashed with the state, used once
        return super().redirect(request, process, next_url, data, auth_params=auth_params, **kwargs)
