from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hoso.core.home import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu, computed only when a template shows it: fragments (progress polled every few
    seconds, htmx partials) and pages without the menu do not pay for its counts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: nav_for(user))}
