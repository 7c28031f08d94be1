"""Menu entries and weekly tasks of the offices app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.offices.models import ReportState
from hoso.offices.policies import SCHOOL_LEADERS, receiving_units
from hoso.offices.selectors import inbox_visible_to, reports_due_for
from hoso.policy import can
from hoso.policy.grants import grants_for


def nav(user: Any) -> list[NavItem]:
    items = []
    if can(user, "offices.office.act"):
        items.append(NavItem("Văn bản chỉ đạo", reverse("offices:directives"), 30, group="chi-dao"))
        items.append(NavItem("Yêu cầu báo cáo", reverse("offices:reports"), 32, group="chi-dao"))
        items.append(NavItem("Kiểm tra", reverse("offices:inspections"), 34, group="chi-dao"))
    if receiving_units(grants_for(user)):
        unopened = inbox_visible_to(user).filter(first_opened_at__isnull=True).count()
        items.append(
            NavItem("Văn bản đến", reverse("offices:inbox"), 31, unopened or None, group="chi-dao")
        )
        owing = reports_due_for(user).exclude(state=ReportState.SUBMITTED).count()
        items.append(
            NavItem(
                "Báo cáo phải nộp",
                reverse("offices:reports-due"),
                33,
                owing or None,
                group="chi-dao",
            )
        )
    if can(user, "offices.office.act") or grants_for(user).schools(SCHOOL_LEADERS):
        items.append(
            NavItem("Tình hình hoạt động", reverse("offices:dashboard"), 29, group="chi-dao")
        )
    for school_id in sorted(grants_for(user).schools(SCHOOL_LEADERS)):
        items.append(
            NavItem(
                "Tiến độ nhập điểm",
                reverse("offices:progress", args=[school_id]),
                35,
                group="so-diem",
            )
        )
        break  # a leader leads one school; the offices reach others through the inspection
    return items


def tasks(user: Any) -> list[HomeTask]:
    if not receiving_units(grants_for(user)):
        return []
    now = timezone.now()
    owing = (
        inbox_visible_to(user)
        .filter(answered_at__isnull=True, directive__reply_due_at__isnull=False)
        .exclude(directive__reply_kind="none")
    )
    count = owing.count()
    if not count:
        return []
    late = owing.filter(directive__reply_due_at__lt=now).count()
    detail = f"{count} văn bản chỉ đạo chờ đơn vị phản hồi" + (
        f", {late} đã quá hạn." if late else "."
    )
    return [
        HomeTask("Phản hồi văn bản chỉ đạo", detail, reverse("offices:inbox"), count, bool(late))
    ]


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
