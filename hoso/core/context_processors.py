from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hoso.core.home import account_items, menu_for, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu, computed only when a template shows it: fragments (progress polled every few
    seconds, htmx partials) and pages without the menu do not pay for its counts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": [], "nav_account": [], "nav_waiting": 0}
    items = SimpleLazyObject(lambda: nav_for(user))
    menu = SimpleLazyObject(lambda: menu_for(list(items), request.path))
    return {
        "nav_items": items,
        "nav_menu": menu,
        "nav_waiting": SimpleLazyObject(lambda: sum(group.count for group in menu)),
        "nav_account": SimpleLazyObject(lambda: account_items(list(items))),
    }
