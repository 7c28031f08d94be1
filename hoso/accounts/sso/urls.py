"""allauth's OpenID Connect addresses (its names, so that allauth finds them), answered by our
views: a provider the Sở turned off is refused with a Vietnamese page before allauth runs.
allauth includes this module under /tai-khoan/ (HosoOIDCProvider.package)."""

from __future__ import annotations

from django.urls import path

from hoso.accounts.sso import views

urlpatterns = [
    path("oidc/<str:provider_id>/login/", views.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", views.callback, name="openid_connect_callback"),
]
