"""django-axes integration: which username an attempt counts against."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The username an attempt was made for, whichever face it came through: allauth and the
    API pass {"username": …}; a raw POST of the login form carries "login"."""
    if credentials:
        value = credentials.get("username") or credentials.get("login") or ""
    else:
        value = request.POST.get("login") or request.POST.get("username") or ""
    return str(value).strip()[:150]
