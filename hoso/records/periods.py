"""Periods of a school year (weeks, months, terms, the year) and their due times, computed
from a record type's period and due rule. Times are Vietnam local time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from hoso.org.models import SchoolYear
from hoso.records.models import Period

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_KEY = "NAM"


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
        label = f"Tuần {number} ({monday.strftime('%d/%m')}–{_fmt(sunday)})"
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
        label = f"Tháng {first.strftime('%m/%Y')}"
        end = following - dt.timedelta(days=1)
        slots.append(PeriodSlot(first.strftime("%Y-%m"), label, first, end, _at(due_day, rule)))
        first = following
    return slots


def term_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    after = dt.timedelta(days=int(rule.get("days_after_term_end", 7)))
    term2_start = year.term1_end + dt.timedelta(days=1)
    return [
        PeriodSlot(
            "HK1", "Học kỳ I", year.start_date, year.term1_end, _at(year.term1_end + after, rule)
        ),
        PeriodSlot(
            "HK2", "Học kỳ II", term2_start, year.end_date, _at(year.end_date + after, rule)
        ),
    ]


def year_slots(year: SchoolYear, rule: dict[str, Any]) -> list[PeriodSlot]:
    if "days_after_year_start" in rule:
        due_day = year.start_date + dt.timedelta(days=int(rule["days_after_year_start"]))
    else:
        due_day = year.end_date + dt.timedelta(days=int(rule.get("days_after_year_end", 0)))
    label = f"Năm học {year.name}"
    return [PeriodSlot(YEAR_KEY, label, year.start_date, year.end_date, _at(due_day, rule))]


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


def label_for(period: str, rule: dict[str, Any], year: SchoolYear, key: str) -> str:
    return next((s.label for s in slots_for(period, rule, year) if s.key == key), key)
