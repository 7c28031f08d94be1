"""Where a page with a sign-in button may send the browser. HoSo's Content-Security-Policy says
`form-action 'self'`, and Chromium applies form-action to the redirects that follow a form's
submission too: the button's POST to our own login address answers 302 to the provider's
authorization endpoint (login.microsoftonline.com, accounts.google.com), which the policy
would block, and nothing would happen on the click. A page that shows the buttons therefore
allows, for itself only, the origins of the enabled providers' issuers (Microsoft's and
Google's authorization endpoints live at their issuer's origin, as the stand-in's does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseBase

ATTRIBUTE = "_hoso_sso_form_action"


def issuer_origin(issuer_url: str) -> str:
    parts = urlsplit(issuer_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_sign_in_to(request: HttpRequest, providers: Iterable[Any]) -> None:
    """Let the page answering `request` send its sign-in forms on to these providers."""
    origins: set[str] = getattr(request, ATTRIBUTE, set())
    origins |= {o for o in (issuer_origin(p.issuer_url) for p in providers) if o}
    setattr(request, ATTRIBUTE, origins)


class SsoFormActionMiddleware:
    """Adds the origins a page asked for (allow_sign_in_to) to its form-action. Listed after
    django-csp's middleware, so that this runs first on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        origins = getattr(request, ATTRIBUTE, None)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *sorted(origins)]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
