"""Menu entry "Sổ điểm" and this week's tasks (pending corrections for the principal)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.core.request_cache import once_per_request
from hoso.grading.models import CorrectionRequest, CorrectionStatus, Guardian
from hoso.grading.selectors import classes_for, config_units, managed_schools
from hoso.policy import visible


def nav(user: Any) -> list[NavItem]:
    items: list[NavItem] = []
    if classes_for(user).exists():
        items.append(NavItem(_("Sổ điểm"), reverse("grading:classes"), 30, group="so-diem"))
        pending = _pending(user)
        if pending:
            items.append(
                NavItem(
                    _("Duyệt điều chỉnh điểm"),
                    reverse("grading:corrections"),
                    31,
                    pending,
                    group="so-diem",
                )
            )
    if managed_schools(user):
        items.append(
            NavItem(_("Phân công giảng dạy"), reverse("grading:assignments"), 32, group="so-diem")
        )
    if config_units(user):
        items.append(
            NavItem(_("Cấu hình đánh giá"), reverse("grading:rules-config"), 33, group="so-diem")
        )
    if Guardian.objects.filter(user_id=user.pk).exists():
        items.append(
            NavItem(_("Kết quả học tập"), reverse("grading:my-children"), 30, group="so-diem")
        )
    return items


def _pending(user: Any) -> int:
    """Asked by the menu and the home page: counted once per request."""

    def count() -> int:
        rows = CorrectionRequest.objects.filter(status=CorrectionStatus.PENDING)
        return visible(user, "grading.correction.decide", rows).count()

    return once_per_request(("grading.pending_corrections", user.pk), count)


def tasks(user: Any) -> list[HomeTask]:
    pending = _pending(user)
    if not pending:
        return []
    return [
        HomeTask(
            _("Duyệt yêu cầu điều chỉnh điểm"),
            ngettext(
                "%(pending)s yêu cầu sửa điểm sau khi khóa sổ đang chờ hiệu trưởng duyệt.",
                "%(pending)s yêu cầu sửa điểm sau khi khóa sổ đang chờ hiệu trưởng duyệt.",
                pending,
            )
            % {"pending": pending},
            reverse("grading:corrections"),
            pending,
            urgent=True,
        )
    ]


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
