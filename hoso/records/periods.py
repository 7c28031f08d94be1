"""Periods of a school year (weeks, months, terms, the year) and their due times, computed
from a record type's period and due rule. Times are Vietnam local time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from hoso.org.models import SchoolYear
from hoso.records.models import Period

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_KEY = "NAM"
TERM_KEYS = ("HK1", "HK2")
# The upload form lists these first: the period before the current one, it and the next ones.
SOON_BEFORE, SOON_AFTER = 1, 2


@dataclass(frozen=True)
class PeriodSlot:
    key: str
    label: str
    start: dt.date
    end: dt.date
    due_at: dt.datetime


def _at(day: dt.date, rule: dict[str, Any]) -> dt.datetime:
    hour, minute = (int(part) for part in str(rule.get("time", "17:00")).split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def week_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    first_monday = year.start_date - dt.timedelta(days=year.start_date.weekday())
    slots, number, monday = [], 1, first_monday
    while monday <= year.end_date:
        sunday = monday + dt.timedelta(days=6)
        due_day = monday + dt.timedelta(days=int(rule.get("weekday", 0)))
        label = gettext("Tuần {number} ({start}–{end})").format(
            number=number, start=monday.strftime("%d/%m"), end=_fmt(sunday)
        )
        slots.append(PeriodSlot(f"W{number:02d}", label, monday, sunday, _at(due_day, rule)))
        number, monday = number + 1, monday + dt.timedelta(days=7)
    return slots


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    slots, first = [], dt.date(year.start_date.year, year.start_date.month, 1)
    while first <= year.end_date:
        following = _add_months(first, 1)
        due_month = _add_months(first, int(rule.get("month_offset", 1)))
        due_day = due_month.replace(day=min(int(rule.get("day", 5)), 28))
        label = gettext("Tháng {month}").format(month=first.strftime("%m/%Y"))
        end = following - dt.timedelta(days=1)
        slots.append(PeriodSlot(first.strftime("%Y-%m"), label, first, end, _at(due_day, rule)))
        first = following
    return slots


def term_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    after = dt.timedelta(days=int(rule.get("days_after_term_end", 7)))
    term2_start = year.term1_end + dt.timedelta(days=1)
    first, second = (term_label(key) for key in TERM_KEYS)
    return [
        PeriodSlot(
            "HK1", first, year.start_date, year.term1_end, _at(year.term1_end + after, rule)
        ),
        PeriodSlot("HK2", second, term2_start, year.end_date, _at(year.end_date + after, rule)),
    ]


def term_label(key: str) -> str:
    return gettext("Học kỳ I") if key == "HK1" else gettext("Học kỳ II")


def year_label(year: SchoolYear) -> str:
    return gettext("Cả năm học {year}").format(year=year.name)


def year_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    if "days_after_year_start" in rule:
        due_day = year.start_date + dt.timedelta(days=int(rule["days_after_year_start"]))
    else:
        due_day = year.end_date + dt.timedelta(days=int(rule.get("days_after_year_end", 0)))
    return [
        PeriodSlot(YEAR_KEY, year_label(year), year.start_date, year.end_date, _at(due_day, rule))
    ]


def slots_for(period: str, rule: dict[str, Any], year: SchoolYear) -> list[PeriodSlot]:
    if period == Period.WEEK:
        return week_slots(year, rule)
    if period == Period.MONTH:
        return month_slots(year, rule)
    if period == Period.TERM:
        return term_slots(year, rule)
    return year_slots(year, rule)


def slot_for_day(period: str, rule: dict[str, Any], year: SchoolYear, day: dt.date) -> PeriodSlot:
    """The period that contains `day` (the first or last one outside the year)."""
    slots = slots_for(period, rule, year)
    for slot in slots:
        if slot.start <= day <= slot.end:
            return slot
    return slots[0] if day < slots[0].start else slots[-1]


def period_label(period: str, rule: dict[str, Any], year: SchoolYear, key: str) -> str:
    """How a period key reads to people: "W39" → "Tuần 39 (25/05–31/05/2026)", "HK2" →
    "Học kỳ II", "NAM" → "Cả năm học 2025-2026"; a key the year does not have stays as it is."""
    if key in TERM_KEYS:
        return term_label(key)
    if key == YEAR_KEY:
        return year_label(year)
    return next((s.label for s in slots_for(period, rule, year) if s.key == key), key)


def period_groups(year: SchoolYear, period: str = "") -> list[tuple[str, list[PeriodSlot]]]:
    """Every period of `year` a record may be for, grouped for a select ("Cả năm", "Học kỳ",
    "Tháng", "Tuần"); only those of `period` (a record type's) when it is given."""
    names = {
        Period.YEAR: gettext("Cả năm"),
        Period.TERM: gettext("Học kỳ"),
        Period.MONTH: gettext("Tháng"),
        Period.WEEK: gettext("Tuần"),
    }
    kinds = list(names) if not period else [Period.YEAR if period == Period.ONCE else period]
    return [(names[Period(kind)], slots_for(kind, {}, year)) for kind in kinds]


@dataclass(frozen=True)
class PeriodChoices:
    """The periods an upload may be for: the ones near today first, then the rest of the
    year in order, and the one the form chooses unless told otherwise."""

    soon: list[PeriodSlot]
    others: list[PeriodSlot]
    default: str

    @property
    def keys(self) -> set[str]:
        return {slot.key for slot in self.soon + self.others}


def upload_choices(
    period: str, rule: dict[str, Any], year: SchoolYear, *, today: dt.date, due_key: str = ""
) -> PeriodChoices:
    """`due_key` is the period the person owes next (their earliest open due item), chosen by
    default; else the period containing `today`."""
    slots = slots_for(period, rule, year)
    current = slot_for_day(period, rule, year, today)
    keys = [slot.key for slot in slots]
    default = due_key if due_key in keys else current.key
    if len(slots) <= SOON_BEFORE + 1 + SOON_AFTER:
        return PeriodChoices(slots, [], default)
    at = keys.index(current.key)
    near = set(keys[max(at - SOON_BEFORE, 0) : at + SOON_AFTER + 1]) | {default}
    soon = [slot for slot in slots if slot.key in near]
    return PeriodChoices(soon, [slot for slot in slots if slot.key not in near], default)
