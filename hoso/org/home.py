"""Menu entries and weekly tasks from the org app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.org.models import Role, Staff, Student, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can, visible
from hoso.policy.grants import grants_for


def nav(user: Any) -> list[NavItem]:
    grants = grants_for(user)
    items = [NavItem(_("Trang chủ"), reverse("home"), 0, group="")]
    if grants.items:
        items.append(NavItem(_("Cán bộ, giáo viên"), reverse("staff-list"), 80, group="quan-tri"))
        items.append(NavItem(_("Học sinh"), reverse("student-list"), 81, group="quan-tri"))
        items.append(NavItem(_("Đơn vị"), reverse("units"), 82, group="quan-tri"))
    if visible(user, "org.school.manage", Unit.objects.filter(kind=UnitKind.TRUONG)).exists():
        items.append(NavItem(_("Nhập dữ liệu"), reverse("import"), 85, group="quan-tri"))
    if can(user, "audit.log.open"):
        items.append(NavItem(_("Nhật ký"), reverse("audit-log"), 90, group="quan-tri"))
    return items


def tasks(user: Any) -> list[HomeTask]:
    grants = grants_for(user)
    schools = grants.schools({Role.HT, Role.VT}) or (set() if not grants.is_admin else None)
    if schools is not None and not schools:
        return []
    year = current_year()
    students = Student.objects.filter(is_active=True)
    staff = Staff.objects.filter(is_active=True, user__isnull=True)
    if schools is not None:
        students = students.filter(school_id__in=schools)
        staff = staff.filter(unit__school_id__in=schools)
    found: list[HomeTask] = []
    unplaced = students.exclude(enrolments__school_year=year).count() if year else 0
    if unplaced:
        found.append(
            HomeTask(
                _("Xếp lớp cho học sinh"),
                ngettext(
                    "%(unplaced)s học sinh chưa có lớp trong năm học %(year)s.",
                    "%(unplaced)s học sinh chưa có lớp trong năm học %(year)s.",
                    unplaced,
                )
                % {"unplaced": unplaced, "year": year},
                reverse("import"),
                unplaced,
            )
        )
    without_account = staff.count()
    if without_account:
        found.append(
            HomeTask(
                _("Cấp tài khoản"),
                ngettext(
                    "%(without_account)s cán bộ, giáo viên chưa có tài khoản đăng nhập.",
                    "%(without_account)s cán bộ, giáo viên chưa có tài khoản đăng nhập.",
                    without_account,
                )
                % {"without_account": without_account},
                reverse("staff-list"),
                without_account,
            )
        )
    return found


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
