"""The webhooks' menu entry: for those who manage a unit's endpoints (Quản trị)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.core.home import NavItem, register_nav
from hoso.org.models import Unit
from hoso.policy import visible


def nav(user: Any) -> list[NavItem]:
    if not visible(user, "webhooks.unit.manage", Unit.objects.all()).exists():
        return []
    return [NavItem(_("Webhook (báo sự kiện)"), reverse("webhooks:list"), 88, group="quan-tri")]


def register() -> None:
    register_nav(nav)
