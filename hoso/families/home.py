"""Menu entries: the parent's page for a parent, the class pages for who manages families;
a home task for a parent who has a child without an answer on consent."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.families.selectors import classes_managed
from hoso.grading.guardians import consented_student_ids, linked_student_ids


def nav(user: Any) -> list[NavItem]:
    items = []
    if linked_student_ids(user):
        items.append(NavItem(_("Con của tôi"), reverse("families:home"), 29, group="so-diem"))
    if classes_managed(user).exists():
        items.append(
            NavItem(_("Cha mẹ học sinh"), reverse("families:classes"), 34, group="so-diem")
        )
    return items


def tasks(user: Any) -> list[HomeTask]:
    linked = linked_student_ids(user)
    waiting = len(linked - consented_student_ids(user)) if linked else 0
    if not waiting:
        return []
    detail = ngettext(
        "%(n)d con chưa có sự đồng ý của bạn: nhà trường chưa thể cho bạn xem dữ liệu.",
        "%(n)d con chưa có sự đồng ý của bạn: nhà trường chưa thể cho bạn xem dữ liệu.",
        waiting,
    ) % {"n": waiting}
    return [
        HomeTask(
            _("Đọc và quyết định đồng ý"),
            detail,
            reverse("families:home"),
            waiting,
            urgent=True,
        )
    ]


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
