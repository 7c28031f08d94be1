"""The operations dashboard of a Sở, a Phòng or a school (tình hình hoạt động): completion of
due records over the school year (hoso.records.completion, one aggregate query), signing
waiting, directives opened and reports submitted per unit below, weekly trend, alerts.

Figures are aggregated on each request from indexed tables (no summary tables yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from hoso.offices.models import DirectiveRecipient, ReportAssignment, ReportState
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.records.completion import Counts, completion_report
from hoso.records.models import DueItem, StepAction, Workflow

DEFAULT_ALERT_PERCENT = 80


def alert_percent() -> int:
    return int(getattr(settings, "HOSO_OFFICES_ALERT_PERCENT", DEFAULT_ALERT_PERCENT))


@dataclass
class Row:
    counts: Counts
    unit: Unit | None
    signing_waiting: int = 0
    directives: tuple[int, int] = (0, 0)  # opened, received
    reports: tuple[int, int] = (0, 0)  # submitted, asked

    @property
    def alert(self) -> bool:
        pct = self.counts.pct_submitted
        return pct is not None and pct < alert_percent()


@dataclass
class Dashboard:
    unit: Unit
    year: SchoolYear
    rows: list[Row]
    total: Row
    weeks: list[tuple[str, int, int]]  # week label, due, submitted
    alerts: list[Row]


def year_window(year: SchoolYear) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(year.start_date, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(year.end_date + dt.timedelta(days=1), dt.time()))
    return start, end


def _school_sums(query: Any, school_field: str, value: Any) -> dict[int, int]:
    return dict(query.values_list(school_field).annotate(n=value).order_by())


def _roll_up(unit: Unit | None, per_school: dict[int, int], paths: dict[int, str]) -> int:
    """Sum per-school figures over the schools in `unit`'s subtree (the school itself)."""
    if unit is None:
        return 0
    return sum(
        n for school_id, n in per_school.items() if paths.get(school_id, "").startswith(unit.path)
    )


def build(user: Any, unit: Unit, year: SchoolYear) -> Dashboard:
    start, end = year_window(year)
    report = completion_report(user, unit, start, end)
    units = Unit.objects.in_bulk([r.unit_id for r in report.rows if r.unit_id])
    below = Q(path__startswith=unit.path) if unit.kind != UnitKind.LOP else Q(pk=unit.pk)
    paths = dict(
        Unit.objects.filter(below, kind__in=(UnitKind.TRUONG, UnitKind.PHONG)).values_list(
            "pk", "path"
        )
    )
    signing = _school_sums(
        Workflow.objects.filter(
            is_open=True,
            pending_action__in=(StepAction.SIGN, StepAction.APPROVE_SIGN, StepAction.SEAL),
            record__school_id__in=paths,
            record__school_year=year,
        ),
        "record__school_id",
        Count("id"),
    )
    recipients = DirectiveRecipient.objects.filter(unit_id__in=paths, directive__school_year=year)
    received = _school_sums(recipients, "unit_id", Count("id"))
    opened = _school_sums(recipients.filter(first_opened_at__isnull=False), "unit_id", Count("id"))
    asked_rows = ReportAssignment.objects.filter(unit_id__in=paths, request__school_year=year)
    asked = _school_sums(asked_rows, "unit_id", Count("id"))
    sent = _school_sums(asked_rows.filter(state=ReportState.SUBMITTED), "unit_id", Count("id"))

    def row_for(counts: Counts, row_unit: Unit | None) -> Row:
        return Row(
            counts=counts,
            unit=row_unit,
            signing_waiting=_roll_up(row_unit, signing, paths),
            directives=(_roll_up(row_unit, opened, paths), _roll_up(row_unit, received, paths)),
            reports=(_roll_up(row_unit, sent, paths), _roll_up(row_unit, asked, paths)),
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
        weeks=weekly(unit, start, end),
        alerts=[r for r in rows if r.alert],
    )


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
