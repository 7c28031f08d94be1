"""The demo's calendar: everything in the demo province is dated relative to one anchor day,
today by default (`settings.DEMO_TODAY`, env HOSO_DEMO_TODAY=YYYY-MM-DD, pins it), so that the
demo always shows the current school year and work due around today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

# Before this day of August the summer still belongs to the school year that just ended.
NEW_YEAR_FROM = (8, 15)
OPENING_DAY = 5  # khai giảng, 5 September, whatever the weekday
LAST_DAY = (5, 31)


@dataclass(frozen=True)
class YearDates:
    name: str
    start_date: dt.date
    end_date: dt.date
    term1_end: dt.date


def anchor_date() -> dt.date:
    """The demo's today: the pinned day, or the local date."""
    pinned = getattr(settings, "DEMO_TODAY", "")
    return dt.date.fromisoformat(pinned) if pinned else timezone.localdate()


def anchor_time(day: dt.date | None = None) -> dt.datetime:
    """The demo's now: the current time when the demo follows today, else noon of the day."""
    day = day or anchor_date()
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def school_year_of(day: dt.date) -> YearDates:
    """The Vietnamese school year that `day` belongs to: from 5 September to 31 May, term 1
    ending on the Saturday of the week of 15 January; the summer belongs to the year before."""
    first = day.year if (day.month, day.day) >= NEW_YEAR_FROM else day.year - 1
    mid_january = dt.date(first + 1, 1, 15)
    return YearDates(
        name=f"{first}-{first + 1}",
        start_date=dt.date(first, 9, OPENING_DAY),
        end_date=dt.date(first + 1, *LAST_DAY),
        term1_end=mid_january + dt.timedelta(days=5 - mid_january.weekday()),
    )
