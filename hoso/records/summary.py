"""Per-school figures of due items over a window, for the operations dashboard of a Sở or a
Phòng: counts per status (as `hoso.records.completion` counts them) and due / submitted per
week (as `TruncWeek` in the current time zone gives them).

`school_figures` counts them from the due items (two grouped queries, no per-row date
function); `unit_figures` reads the `DueSummary` rows kept by
`hoso.records.services.summary` and counts only the schools whose row is not fresh, so the
answer is the same as counting everything, at any moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone

from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.records.models import DueItem, DueSummary
from hoso.records.selectors import DUE_SOON, DueStatus

OPEN = "open"


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=dict)
    # by week, the Monday as an ISO date ("2026-09-07"): as stored, and it sorts as a date
    weeks_due: dict[str, int] = field(default_factory=dict)
    weeks_done: dict[str, int] = field(default_factory=dict)
    valid_until: dt.datetime | None = None  # the first moment an open item changes status

    def add(self, other: Figures) -> None:
        _add(self.counts, other.counts)
        _add(self.weeks_due, other.weeks_due)
        _add(self.weeks_done, other.weeks_done)


def _add(target: dict[Any, int], source: dict[Any, int]) -> None:
    for key, n in source.items():
        target[key] = target.get(key, 0) + n


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday of the moment's week in the current time zone (what TruncWeek gives)."""
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def year_window(year: SchoolYear) -> tuple[dt.datetime, dt.datetime]:
    """The window of a school year: its first day to the end of its last (local time)."""
    start = timezone.make_aware(dt.datetime.combine(year.start_date, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(year.end_date + dt.timedelta(days=1), dt.time()))
    return start, end


def _monday_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _open_status(due: dt.datetime, now: dt.datetime) -> str:
    if due < now:
        return DueStatus.MISSING
    return DueStatus.DUE if due < now + DUE_SOON else DueStatus.NOT_YET_DUE


def school_figures(
    school_ids: Iterable[int], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> dict[int, Figures]:
    """Figures of each school from its due items with `start <= effective_due_at < end`."""
    ids = list(school_ids)
    result = {school_id: Figures() for school_id in ids}
    for chunk in range(0, len(ids), 500):
        items = DueItem.objects.filter(
            effective_due_at__gte=start,
            effective_due_at__lt=end,
            school_id__in=ids[chunk : chunk + 500],
        ).order_by()
        _by_due_time(items, result, now)
        _by_submitted_week(items, result)
    return result


def _by_due_time(items: Any, result: dict[int, Figures], now: dt.datetime) -> None:
    """One GROUP BY school, due time, state: few due times per school, so few rows; the week
    and the status of open items are worked out here, not per item in the database."""
    state = Case(
        When(submitted_at__isnull=True, then=Value(OPEN)),
        When(submitted_at__lte=F("effective_due_at"), then=Value(DueStatus.ON_TIME)),
        default=Value(DueStatus.LATE),
    )
    rows = (
        items.annotate(st=state)
        .values_list("school_id", "effective_due_at", "st")
        .annotate(n=Count("*"))
    )
    weeks: dict[dt.datetime, str] = {}
    for school_id, due, st, n in rows:
        figures = result[school_id]
        week = weeks.get(due) or weeks.setdefault(due, week_of(due).isoformat())
        figures.weeks_due[week] = figures.weeks_due.get(week, 0) + n
        if st == OPEN:
            st = _open_status(due, now)
            for boundary in (due - DUE_SOON, due):  # when this item's status changes next
                if boundary >= now and (
                    figures.valid_until is None or boundary < figures.valid_until
                ):
                    figures.valid_until = boundary
        figures.counts[st] = figures.counts.get(st, 0) + n


def _by_submitted_week(items: Any, result: dict[int, Figures]) -> None:
    """Submissions per school and week: the week found by comparing with the Mondays between
    the first and last submission (a nested CASE, a few comparisons per row)."""
    done = items.filter(submitted_at__isnull=False)
    bounds = done.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    if bounds["first"] is None:
        return
    mondays = [week_of(bounds["first"])]
    while _monday_start(mondays[-1]) <= bounds["last"]:
        mondays.append(mondays[-1] + dt.timedelta(days=7))
    starts = [_monday_start(day) for day in mondays]

    def bucket(lo: int, hi: int) -> Any:  # the index i with starts[i] <= submitted < starts[i+1]
        if hi - lo == 1:
            return Value(lo)
        mid = (lo + hi) // 2
        return Case(
            When(submitted_at__lt=starts[mid], then=bucket(lo, mid)),
            default=bucket(mid, hi),
            output_field=IntegerField(),
        )

    rows = (
        done.annotate(wk=bucket(0, len(starts) - 1))
        .values_list("school_id", "wk")
        .annotate(n=Count("*"))
    )
    labels = [day.isoformat() for day in mondays]
    for school_id, index, n in rows:
        weeks = result[school_id].weeks_done
        weeks[labels[index]] = weeks.get(labels[index], 0) + n


# --- reading the kept rows ----------------------------------------------------------------------


def fresh(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Q:
    """Rows that answer for `now` over the window exactly."""
    return (
        Q(window_start=start, window_end=end, computed_at__lte=now)
        & Q(refreshed_changes=F("changes"))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )


def unit_figures(
    unit: Unit, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> dict[int, Figures]:
    """Figures of every school under a Sở or Phòng: kept rows where fresh, counted otherwise."""
    schools = _schools_under(unit)
    kept = DueSummary.objects.filter(fresh(start, end, now), school_id__in=schools).values_list(
        "school_id", "counts", "weeks_due", "weeks_done"
    )
    result: dict[int, Figures] = {}
    for school_id, counts, due, done in kept:
        result[school_id] = Figures(counts, due, done)
    result.update(school_figures(schools - set(result), start, end, now))
    return result


# --- the school's other figures (gradebook, học bạ, library) -----------------------------------

# fn(school ids, school year, now) -> {school id: ({figure: n}, valid until or None)}: every
# school asked for is answered, in a few grouped queries for all of them.
SchoolFiguresSource = Callable[
    [list[int], SchoolYear, dt.datetime], dict[int, tuple[dict[str, int], dt.datetime | None]]
]
_figure_sources: list[SchoolFiguresSource] = []


def use_school_figures(source: SchoolFiguresSource) -> None:
    """Register a source of per-school figures (from the AppConfig.ready() of the app that
    knows them: records does not import gradebook or library)."""
    if source not in _figure_sources:
        _figure_sources.append(source)


def count_school_figures(
    school_ids: Iterable[int], year: SchoolYear, now: dt.datetime
) -> dict[int, tuple[dict[str, int], dt.datetime | None]]:
    """Every registered source's figures of these schools, merged, with the earliest moment one
    of them changes by the clock alone."""
    ids = list(school_ids)
    result: dict[int, tuple[dict[str, int], dt.datetime | None]] = {pk: ({}, None) for pk in ids}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for source in _figure_sources:
            for school_id, (found, until) in source(part, year, now).items():
                figures, known = result[school_id]
                figures.update(found)
                if until is not None and (known is None or until < known):
                    known = until
                result[school_id] = (figures, known)
    return result


def figures_fresh(year: SchoolYear, now: dt.datetime) -> Q:
    """Rows whose other figures answer for `now`."""
    return (
        Q(school_year=year, computed_at__lte=now)
        & Q(figures_refreshed_changes=F("figures_changes"))
        & (Q(figures_valid_until__isnull=True) | Q(figures_valid_until__gt=now))
    )


def unit_school_figures(
    unit: Unit, year: SchoolYear, now: dt.datetime, schools: set[int] | None = None
) -> dict[int, dict[str, int]]:
    """The other figures of every school under a Sở or Phòng: kept rows where fresh, counted
    on the spot otherwise (the same answer as counting everything)."""
    if schools is None:
        schools = _schools_under(unit)
    kept = DueSummary.objects.filter(figures_fresh(year, now), school_id__in=schools).values_list(
        "school_id", "figures"
    )
    result: dict[int, dict[str, int]] = dict(kept)
    counted = count_school_figures(sorted(schools - set(result)), year, now)
    result.update({pk: figures for pk, (figures, _) in counted.items()})
    return result


def _schools_under(unit: Unit) -> set[int]:
    return set(
        Unit.objects.filter(kind=UnitKind.TRUONG, path__startswith=unit.path).values_list(
            "pk", flat=True
        )
    )
