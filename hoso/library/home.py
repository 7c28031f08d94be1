"""Menu entries and weekly tasks of the library."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.library.models import Hold, Loan, Weeding
from hoso.library.selectors import managed_schools, my_holds, my_loans
from hoso.org.models import Role
from hoso.policy.grants import grants_for


def nav(user: Any) -> list[NavItem]:
    grants = grants_for(user)
    if not grants.items and not _is_guardian(user):
        return []
    items = [NavItem(_("Thư viện"), reverse("library:index"), 40, group="thu-vien")]
    items.append(NavItem(_("Thư viện số"), reverse("library:digital"), 41, group="thu-vien"))
    return items


def _is_guardian(user: Any) -> bool:
    from hoso.grading.models import Guardian

    return Guardian.objects.filter(user_id=user.pk).exists()


# A loan due within this many days is shown on the patron's home page.
DUE_SOON_DAYS = 3


def _patron_tasks(user: Any) -> list[HomeTask]:
    """A teacher's own and a parent's children's: holds ready at the desk, books to return."""
    url = reverse("library:my-loans")
    found = []
    ready = my_holds(user).filter(status="ready").count()
    if ready:
        found.append(
            HomeTask(
                _("Sách đặt trước đã có"),
                _("%(n)d sách đang chờ ở thư viện: mời đến nhận.") % {"n": ready},
                url,
                ready,
            )
        )
    today = timezone.localdate()
    open_loans = my_loans(user).filter(returned_at__isnull=True)
    late = open_loans.filter(due_on__lt=today).count()
    soon = open_loans.filter(
        due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    ).count()
    if late or soon:
        detail = _("%(late)d sách quá hạn, %(soon)d sách đến hạn trong %(days)d ngày tới.") % {
            "late": late,
            "soon": soon,
            "days": DUE_SOON_DAYS,
        }
        found.append(HomeTask(_("Trả sách thư viện"), detail, url, late + soon, bool(late)))
    return found


def tasks(user: Any) -> list[HomeTask]:
    found: list[HomeTask] = _patron_tasks(user)
    grants = grants_for(user)
    if Role.TV in grants.roles():
        today = timezone.localdate()
        for school in managed_schools(user)[:3]:
            overdue = Loan.objects.filter(
                school=school, returned_at__isnull=True, due_on__lt=today
            ).count()
            if overdue:
                url = reverse("library:loans", kwargs={"pk": school.pk}) + "?qua-han=1"
                found.append(
                    HomeTask(
                        _("Sách quá hạn"),
                        ngettext(
                            "%(overdue)s lượt mượn quá hạn trả.",
                            "%(overdue)s lượt mượn quá hạn trả.",
                            overdue,
                        )
                        % {"overdue": overdue},
                        url,
                        overdue,
                    )
                )
            ready = Hold.objects.filter(school=school, status="ready").count()
            if ready:
                url = reverse("library:dashboard", kwargs={"pk": school.pk})
                found.append(
                    HomeTask(
                        _("Sách đặt trước"),
                        ngettext(
                            "%(ready)s sách chờ bạn đọc nhận.",
                            "%(ready)s sách chờ bạn đọc nhận.",
                            ready,
                        )
                        % {"ready": ready},
                        url,
                        ready,
                    )
                )
    heads = grants.schools({Role.HT})
    if heads:
        waiting = Weeding.objects.filter(school_id__in=heads, state="proposed").count()
        if waiting:
            url = reverse("library:weeding", kwargs={"pk": sorted(heads)[0]})
            found.append(
                HomeTask(
                    _("Duyệt thanh lý sách"),
                    ngettext(
                        "%(waiting)s đề nghị chờ duyệt.", "%(waiting)s đề nghị chờ duyệt.", waiting
                    )
                    % {"waiting": waiting},
                    url,
                    waiting,
                    True,
                )
            )
    return found


def register() -> None:
    register_nav(nav)
    register_tasks(tasks)
