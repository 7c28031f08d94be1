"""The operations dashboard of a Sở, a Phòng or a school (tình hình hoạt động): completion of
due records over the school year (hoso.records.completion, one aggregate query), signing
waiting, directives opened and reports submitted per unit below, weekly trend, alerts.

A Sở's or Phòng's completion and weekly trend come from the per-school summary kept by
hoso.records.services.summary (schools whose row is stale are counted on the spot); a school's
and below are counted on each request (a school's year is a few thousand items)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hoso.offices.figures import FIGURE_KEYS
from hoso.offices.models import DirectiveRecipient, ReportAssignment, ReportState
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.records.completion import Counts, completion_from_schools, completion_report
from hoso.records.models import DueItem, StepAction, Workflow
from hoso.records.summary import (
    Figures,
    count_school_figures,
    unit_figures,
    unit_school_figures,
    year_window,
)
from hoso.signing.models import SignatureRecord

DEFAULT_ALERT_PERCENT = 80
DEFAULT_GRADEBOOK_ALERT_PERCENT = 80
DEFAULT_HOCBA_ALERT_PERCENT = 0  # off: học bạ are issued at the end of the year


def alert_percent() -> int:
    return int(getattr(settings, "HOSO_OFFICES_ALERT_PERCENT", DEFAULT_ALERT_PERCENT))


def gradebook_alert_percent() -> int:
    return int(
        getattr(settings, "HOSO_OFFICES_ALERT_GRADEBOOK_PERCENT", DEFAULT_GRADEBOOK_ALERT_PERCENT)
    )


def hocba_alert_percent() -> int:
    return int(getattr(settings, "HOSO_OFFICES_ALERT_HOCBA_PERCENT", DEFAULT_HOCBA_ALERT_PERCENT))


def _pct(part: int, whole: int) -> int | None:
    return None if not whole else min(100, round(100 * part / whole))


@dataclass
class Row:
    counts: Counts
    unit: Unit | None
    signing_waiting: int = 0
    signed_this_week: int = 0
    directives: tuple[int, int] = (0, 0)  # opened, received
    reports: tuple[int, int] = (0, 0)  # submitted, asked
    # gradebook, học bạ, library (hoso.offices.figures.FIGURE_KEYS), summed over the schools
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def gradebook_pct(self) -> int | None:
        return _pct(self.figures.get("gb_entered", 0), self.figures.get("gb_required", 0))

    @property
    def hocba_pct(self) -> int | None:
        return _pct(self.figures.get("hb_issued", 0), self.figures.get("pupils", 0))

    @property
    def has_library(self) -> bool:
        return self.figures.get("lib_copies", 0) > 0

    @property
    def behind(self) -> list[str]:
        """What this unit is behind on (the alerts), each against its threshold."""
        found = []
        for label, pct, limit in (
            (_("hồ sơ đã nộp"), self.counts.pct_submitted, alert_percent()),
            (_("điểm đã nhập"), self.gradebook_pct, gradebook_alert_percent()),
            (_("học bạ đã ban hành"), self.hocba_pct, hocba_alert_percent()),
        ):
            if pct is not None and pct < limit:
                found.append(f"{label} {number_format(pct)}% < {limit}%")
        return found

    @property
    def alert(self) -> bool:
        return bool(self.behind)


@dataclass
class Dashboard:
    unit: Unit
    year: SchoolYear
    rows: list[Row]
    total: Row
    weeks: list[tuple[str, int, int]]  # week label, due, submitted
    alerts: list[Row]


def _school_sums(query: Any, school_field: str, value: Any) -> dict[int, int]:
    return dict(query.values_list(school_field).annotate(n=value).order_by())


def _school_pairs(query: Any, done: Q) -> tuple[dict[int, int], dict[int, int]]:
    """({unit: rows}, {unit: rows matching `done`}) from one GROUP BY unit."""
    rows = query.values_list("unit_id").annotate(n=Count("id"), d=Count("id", filter=done))
    every, matching = {}, {}
    for unit_id, n, d in rows.order_by():
        every[unit_id], matching[unit_id] = n, d
    return every, matching


def _subtree_sums(per_school: dict[int, int], paths: dict[int, str]) -> dict[str, int]:
    """{unit path: sum over the schools in that subtree} for every unit above a school (and the
    school itself): one pass, a few additions per school, whatever the number of rows."""
    sums: dict[str, int] = {}
    for school_id, n in per_school.items():
        path = paths.get(school_id, "")
        end = path.find("/", 1)
        while end != -1:
            prefix = path[: end + 1]
            sums[prefix] = sums.get(prefix, 0) + n
            end = path.find("/", end + 1)
    return sums


def _roll_up(unit: Unit | None, sums: dict[str, int]) -> int:
    """The figure summed over the schools in `unit`'s subtree (the school itself)."""
    return 0 if unit is None else sums.get(unit.path, 0)


def week_start(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 of `now`'s week, local time (what "this week" means on the page)."""
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()))


def build(user: Any, unit: Unit, year: SchoolYear) -> Dashboard:
    start, end = year_window(year)
    now = timezone.now()
    if unit.kind in (UnitKind.SO, UnitKind.PHONG):
        per_school = unit_school_figures(unit, year, now)
    else:  # a school and below: that school counted now (one school, a few queries)
        school_id = unit.school_id or unit.pk
        per_school = {
            pk: found
            for pk, (found, _until) in count_school_figures([school_id], year, now).items()
        }
    if unit.kind in (UnitKind.SO, UnitKind.PHONG):
        # Per school from the kept summary (schools whose row is stale are counted).
        figures = unit_figures(unit, start, end, now)
        counts = {school_id: f.counts for school_id, f in figures.items()}
        report = completion_from_schools(user, unit, start, end, counts)
        weeks = summed_weeks(figures.values())
    else:
        report = completion_report(user, unit, start, end)
        weeks = weekly(unit, start, end)
    units = Unit.objects.in_bulk([r.unit_id for r in report.rows if r.unit_id])
    below = Q(path__startswith=unit.path) if unit.kind != UnitKind.LOP else Q(pk=unit.pk)
    below_units = Unit.objects.filter(below, kind__in=(UnitKind.TRUONG, UnitKind.PHONG))
    paths = dict(below_units.values_list("pk", "path"))
    # The units below as a subquery, not a list of a thousand ids sent with each query.
    signing = _school_sums(
        Workflow.objects.filter(
            is_open=True,
            pending_action__in=(StepAction.SIGN, StepAction.APPROVE_SIGN, StepAction.SEAL),
            record__school__in=below_units,
            record__school_year=year,
        ),
        "record__school_id",
        Count("id"),
    )
    signed = _school_sums(
        SignatureRecord.objects.filter(
            signed_at__gte=week_start(now),
            version__record__school__in=below_units,
            version__record__school_year=year,
        ),
        "version__record__school_id",
        Count("id"),
    )
    recipients = DirectiveRecipient.objects.filter(
        unit__in=below_units, directive__school_year=year
    )
    received, opened = _school_pairs(recipients, Q(first_opened_at__isnull=False))
    asked_rows = ReportAssignment.objects.filter(unit__in=below_units, request__school_year=year)
    asked, sent = _school_pairs(asked_rows, Q(state=ReportState.SUBMITTED))
    figure_sums = {
        key: _subtree_sums({pk: f.get(key, 0) for pk, f in per_school.items()}, paths)
        for key in FIGURE_KEYS
    }
    sums = {
        name: _subtree_sums(figure, paths)
        for name, figure in (
            ("signing", signing),
            ("signed", signed),
            ("received", received),
            ("opened", opened),
            ("asked", asked),
            ("sent", sent),
        )
    }

    def row_for(counts: Counts, row_unit: Unit | None) -> Row:
        return Row(
            counts=counts,
            unit=row_unit,
            signing_waiting=_roll_up(row_unit, sums["signing"]),
            signed_this_week=_roll_up(row_unit, sums["signed"]),
            directives=(_roll_up(row_unit, sums["opened"]), _roll_up(row_unit, sums["received"])),
            reports=(_roll_up(row_unit, sums["sent"]), _roll_up(row_unit, sums["asked"])),
            figures=_unit_figures(row_unit, figure_sums, per_school),
        )

    rows = [
        row_for(counts, units.get(counts.unit_id) if counts.unit_id else None)
        for counts in report.rows
    ]
    total = row_for(report.total, unit)
    return Dashboard(
        unit=unit,
        year=year,
        rows=rows,
        total=total,
        weeks=weeks,
        alerts=[r for r in rows if r.alert],
    )


def _unit_figures(
    row_unit: Unit | None, sums: dict[str, dict[str, int]], per_school: dict[int, dict[str, int]]
) -> dict[str, int]:
    """A row's gradebook, học bạ and library figures: summed over its schools; a group, class
    or person below a school has no figures of its own (the school's are in the total)."""
    if row_unit is None:
        return {}
    if row_unit.kind in (UnitKind.SO, UnitKind.PHONG, UnitKind.TRUONG):
        return {key: _roll_up(row_unit, sums[key]) for key in FIGURE_KEYS}
    return {}


def summed_weeks(figures: Iterable[Figures]) -> list[tuple[str, int, int]]:
    """The weekly trend of a Sở or Phòng from its schools' figures."""
    due: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for found in figures:
        due.update(found.weeks_due)
        done.update(found.weeks_done)
    weeks = sorted(set(due) | set(done))  # ISO dates sort as dates
    return [(dt.date.fromisoformat(w).strftime("%d/%m"), due[w], done[w]) for w in weeks]


def weekly(unit: Unit, start: dt.datetime, end: dt.datetime) -> list[tuple[str, int, int]]:
    """Per week of the school year: items falling due, items submitted."""
    items = DueItem.objects.filter(effective_due_at__gte=start, effective_due_at__lt=end)
    if unit.kind in (UnitKind.SO, UnitKind.PHONG):
        if unit.parent_id is not None:
            items = items.filter(school__path__startswith=unit.path)
    elif unit.kind == UnitKind.TRUONG:
        items = items.filter(school_id=unit.pk)
    else:
        items = items.filter(unit__path__startswith=unit.path)
    due = dict(
        items.annotate(w=TruncWeek("effective_due_at"))
        .values_list("w")
        .annotate(n=Count("id"))
        .order_by()
    )
    done = dict(
        items.filter(submitted_at__isnull=False)
        .annotate(w=TruncWeek("submitted_at"))
        .values_list("w")
        .annotate(n=Count("id"))
        .order_by()
    )
    weeks = sorted({_day(w) for w in due} | {_day(w) for w in done})
    due_by = {_day(w): n for w, n in due.items()}
    done_by = {_day(w): n for w, n in done.items()}
    return [(w.strftime("%d/%m"), due_by.get(w, 0), done_by.get(w, 0)) for w in weeks]


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def chart_data(board: Dashboard) -> dict[str, Any]:
    """What dashboard.js draws (passed with json_script; no inline script)."""
    return {
        "units": [r.counts.label for r in board.rows],
        "on_time": [r.counts.values["on_time"] for r in board.rows],
        "late": [r.counts.values["late"] for r in board.rows],
        "missing": [r.counts.values["missing"] for r in board.rows],
        "weeks": [w for w, _, _ in board.weeks],
        "due": [d for _, d, _ in board.weeks],
        "submitted": [s for _, _, s in board.weeks],
    }
