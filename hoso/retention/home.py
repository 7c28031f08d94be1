"""Menu entry and this week's task for destruction proposals."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.retention.selectors import any_proposal_for, pending_to_decide


def nav(user: Any) -> list[NavItem]:
    if not user.is_authenticated or not any_proposal_for(user):
        return []
    pending = pending_to_decide(user).count()
    return [NavItem(_("Tiêu hủy hồ sơ"), reverse("retention:list"), 74, pending or None)]


def tasks(user: Any) -> list[HomeTask]:
    if not user.is_authenticated:
        return []
    pending = pending_to_decide(user).count()
    if not pending:
        return []
    return [
        HomeTask(
            _("Đề nghị tiêu hủy hồ sơ"),
            ngettext(
                "%(pending)s đề nghị tiêu hủy hồ sơ hết thời hạn lưu trữ đang chờ bạn quyết định.",
                "%(pending)s đề nghị tiêu hủy hồ sơ hết thời hạn lưu trữ đang chờ bạn quyết định.",
                pending,
            )
            % {"pending": pending},
            reverse("retention:list"),
            pending,
        )
    ]


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
