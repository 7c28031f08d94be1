"""allauth's addresses as `allauth.urls` lays them out, without its deprecated unnamed
redirects of the old "social/…" addresses (every route must have a name: the every-URL test).
The OpenID Connect login and callback come from our provider (hoso.accounts.sso.urls)."""

from __future__ import annotations

from allauth.urls import build_provider_urlpatterns
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("allauth.account.urls")),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include("allauth.socialaccount.urls")),
    *build_provider_urlpatterns(),
]
