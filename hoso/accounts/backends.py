"""Authentication: Django's model backend, but the public demo password only in demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class HosoModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if password == settings.DEMO_PASSWORD and not settings.DEMO_MODE:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
