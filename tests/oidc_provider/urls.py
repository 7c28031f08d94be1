from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.oidc_provider import control

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="login.html")),
    path("test/setup/", control.setup),
]
