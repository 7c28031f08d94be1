"""The CSDL ngành sync reminder (issue 15 item 1): at the start, the middle and the end of the
school year, a home-page task for the school's principal and văn thư to compare HoSo with the
sector database; it links to the preview page, which shows the diff of the file they load."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.home import HomeTask, NavItem, register_nav, register_tasks
from hoso.org.models import SchoolYear, Unit
from hoso.org.years import current_year
from hoso.policy import visible

WINDOW = dt.timedelta(days=21)  # how long each reminder stays on the home page


def sync_moment(year: SchoolYear, today: dt.date) -> str:
    """ "" outside the three windows; otherwise which moment of the year it is."""
    if year.start_date <= today < year.start_date + WINDOW:
        return _("đầu năm học")
    if year.term1_end - WINDOW / 2 <= today <= year.term1_end + WINDOW / 2:
        return _("giữa năm học")
    if year.end_date - WINDOW <= today <= year.end_date:
        return _("cuối năm học")
    return ""


def tasks(user: Any) -> list[HomeTask]:
    year = current_year()
    if year is None:
        return []
    moment = sync_moment(year, timezone.localdate())
    if not moment:
        return []
    schools = visible(user, "org.csdl.import", Unit.objects.all()).order_by("name")
    return [
        HomeTask(
            _("Đối chiếu dữ liệu với CSDL ngành"),
            _(
                "%(school)s: %(moment)s %(year)s, tải tệp xuất từ CSDL ngành lên để xem HoSo "
                "khác CSDL ngành ở đâu."
            )
            % {"school": school.name, "moment": moment, "year": year.name},
            f"{reverse('csdl')}?truong={school.pk}",
        )
        for school in schools
    ]


def nav(user: Any) -> list[NavItem]:
    if visible(user, "org.csdl.export", Unit.objects.all()).exists():
        return [NavItem(_("CSDL ngành"), reverse("csdl"), 86, group="quan-tri")]
    return []


def register() -> None:
    register_tasks(tasks)
    register_nav(nav)
