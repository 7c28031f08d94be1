from __future__ import annotations

from django.urls import path

from hoso.accounts.sso import api

urlpatterns = [
    path("providers/", api.SsoProviderList.as_view(), name="api-sso-providers"),
    path(
        "providers/<int:province>/<str:kind>/",
        api.SsoProviderDetail.as_view(),
        name="api-sso-provider",
    ),
]
