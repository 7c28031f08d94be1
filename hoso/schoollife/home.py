"""The school life's menu entry: for those who record movements and take transferred
students in at a school (the principal, the deputy, the văn thư; the administrator)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.core.home import NavItem, register_nav
from hoso.schoollife.selectors import receiving_schools


def nav(user: Any) -> list[NavItem]:
    if not receiving_schools(user).exists():
        return []
    return [
        NavItem(
            _("Chuyển trường, biến động học sinh"),
            reverse("schoollife:index"),
            83,
            group="quan-tri",
        )
    ]


def register() -> None:
    register_nav(nav)
