"""The Drive import's menu entry: for the school's principal and văn thư (Quản trị)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.core.home import NavItem, register_nav
from hoso.drive_import.policies import MANAGE
from hoso.policy import can


def nav(user: Any) -> list[NavItem]:
    if not can(user, MANAGE):
        return []
    return [
        NavItem(
            _("Nhập thư mục cũ (Drive, OneDrive)"),
            reverse("drive_import:index"),
            86,
            group="quan-tri",
        )
    ]


def register() -> None:
    register_nav(nav)
