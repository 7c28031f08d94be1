"""Menu entries and weekly tasks of the offices app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.offices.models import ReportState
from hoso.offices.policies import SCHOOL_LEADERS, receiving_units
from hoso.offices.selectors import (
    assignments_visible_to,
    directive_rows_owing,
    inbox_visible_to,
    offices_of,
    reports_due_for,
)
from hoso.org.years import current_year
from hoso.policy import can
from hoso.policy.grants import grants_for


def nav(user: Any) -> list[NavItem]:
    items = []
    if can(user, "offices.office.act"):
        items.append(
            NavItem(_("Văn bản chỉ đạo"), reverse("offices:directives"), 30, group="chi-dao")
        )
        items.append(NavItem(_("Yêu cầu báo cáo"), reverse("offices:reports"), 32, group="chi-dao"))
        items.append(NavItem(_("Kiểm tra"), reverse("offices:inspections"), 34, group="chi-dao"))
    if receiving_units(grants_for(user)):
        unopened = inbox_visible_to(user).filter(first_opened_at__isnull=True).count()
        items.append(
            NavItem(
                _("Văn bản đến"), reverse("offices:inbox"), 31, unopened or None, group="chi-dao"
            )
        )
        owing = reports_due_for(user).exclude(state=ReportState.SUBMITTED).count()
        items.append(
            NavItem(
                _("Báo cáo phải nộp"),
                reverse("offices:reports-due"),
                33,
                owing or None,
                group="chi-dao",
            )
        )
    if can(user, "offices.office.act") or grants_for(user).schools(SCHOOL_LEADERS):
        items.append(
            NavItem(_("Tình hình hoạt động"), reverse("offices:dashboard"), 29, group="chi-dao")
        )
    for school_id in sorted(grants_for(user).schools(SCHOOL_LEADERS)):
        items.append(
            NavItem(
                _("Tiến độ nhập điểm"),
                reverse("offices:progress", args=[school_id]),
                35,
                group="so-diem",
            )
        )
        break  # a leader leads one school; the offices reach others through the inspection
    return items


def tasks(user: Any) -> list[HomeTask]:
    return _answer_tasks(user) + _office_tasks(user)


def _office_tasks(user: Any) -> list[HomeTask]:
    """What an office's staff must chase: units that have not sent a report or answered a
    directive although the date has passed (this school year's, of their own offices)."""
    if not can(user, "offices.office.act"):
        return []
    offices = offices_of(user)
    now, year = timezone.now(), current_year()
    missing = assignments_visible_to(user).filter(
        request__office__in=offices, request__school_year=year, request__deadline__lt=now
    )
    missing = missing.exclude(state=ReportState.SUBMITTED)
    silent = directive_rows_owing(offices, year, now)
    found = []
    if count := missing.count():
        requests = missing.values("request_id").distinct().count()
        found.append(
            HomeTask(
                _("Đôn đốc báo cáo quá hạn"),
                _("%(units)d lượt đơn vị chưa nộp %(requests)d báo cáo đã quá hạn.")
                % {"units": count, "requests": requests},
                reverse("offices:reports"),
                count,
                True,
            )
        )
    if count := silent.count():
        found.append(
            HomeTask(
                _("Đôn đốc phản hồi văn bản chỉ đạo"),
                _("%(units)d lượt đơn vị chưa phản hồi văn bản đã quá hạn phản hồi.")
                % {"units": count},
                reverse("offices:directives"),
                count,
                True,
            )
        )
    return found


def _answer_tasks(user: Any) -> list[HomeTask]:
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
    if late:
        detail = ngettext(
            "%(count)s văn bản chỉ đạo chờ đơn vị phản hồi, %(late)s đã quá hạn.",
            "%(count)s văn bản chỉ đạo chờ đơn vị phản hồi, %(late)s đã quá hạn.",
            count,
        ) % {
            "count": count,
            "late": late,
        }
    else:
        detail = ngettext(
            "%(count)s văn bản chỉ đạo chờ đơn vị phản hồi.",
            "%(count)s văn bản chỉ đạo chờ đơn vị phản hồi.",
            count,
        ) % {"count": count}
    return [
        HomeTask(_("Phản hồi văn bản chỉ đạo"), detail, reverse("offices:inbox"), count, bool(late))
    ]


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
