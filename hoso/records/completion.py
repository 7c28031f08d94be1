"""Completion (tình hình nộp hồ sơ) for a unit over a date window: counts per status from one
aggregate query, rolled up group → school → Phòng → Sở by the unit tree, and the
people × periods matrix of a school or group. No per-person queries."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.xlsx import safe_row
from hoso.org.models import Unit, UnitKind
from hoso.policy import NOT_FOUND_MESSAGE, can
from hoso.records.models import DueItem
from hoso.records.selectors import DueStatus, reference_time, status_filters, status_of

STATUSES = [
    DueStatus.ON_TIME,
    DueStatus.LATE,
    DueStatus.MISSING,
    DueStatus.DUE,
    DueStatus.NOT_YET_DUE,
]
MATRIX_LIMIT = 5000


@dataclass
class Counts:
    label: str
    unit_id: int | None = None
    owner_id: int | None = None
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, other: dict[str, int]) -> None:
        for status in STATUSES:
            self.values[status] += int(other.get(status, 0))

    @property
    def total(self) -> int:
        return sum(self.values.values())

    @property
    def submitted(self) -> int:
        return self.values[DueStatus.ON_TIME] + self.values[DueStatus.LATE]

    @property
    def owed(self) -> int:
        """Items whose due time has passed or that were already submitted."""
        return self.submitted + self.values[DueStatus.MISSING]

    @property
    def pct_submitted(self) -> float | None:
        return round(100 * self.submitted / self.owed, 1) if self.owed else None

    @property
    def pct_on_time(self) -> float | None:
        return round(100 * self.values[DueStatus.ON_TIME] / self.owed, 1) if self.owed else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit_id": self.unit_id,
            "owner_id": self.owner_id,
            **self.values,
            "total": self.total,
            "submitted": self.submitted,
            "pct_submitted": self.pct_submitted,
            "pct_on_time": self.pct_on_time,
        }


@dataclass
class Report:
    unit: Unit
    start: dt.datetime
    end: dt.datetime
    rows: list[Counts]
    total: Counts


def default_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The last four weeks and the coming one: what a Phòng looks at on Monday."""
    now = reference_time(now)
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=28), today + dt.timedelta(days=8)


MAX_ID = 2**63 - 1


def overseen_unit(user: Any, unit_id: int | str | None) -> Unit:
    """The unit if the user may oversee it; any bad id ("null", "abc", 2**70) is just missing."""
    text = str(unit_id or "").strip()
    if not text.isdigit() or int(text) > MAX_ID:
        raise Http404(NOT_FOUND_MESSAGE)
    unit = Unit.objects.filter(pk=int(text)).first()
    if unit is None or not can(user, "records.unit.oversee", unit):
        raise Http404(NOT_FOUND_MESSAGE)
    return unit


def _items(unit: Unit, start: dt.datetime, end: dt.datetime) -> QuerySet[DueItem]:
    items = DueItem.objects.filter(effective_due_at__gte=start, effective_due_at__lt=end)
    if unit.kind in (UnitKind.SO, UnitKind.PHONG):
        if unit.parent_id is None:
            return items  # the whole province: no join needed
        return items.filter(school__path__startswith=unit.path)
    if unit.kind == UnitKind.TRUONG:
        return items.filter(school_id=unit.pk)
    return items.filter(unit__path__startswith=unit.path)


def _aggregate(items: QuerySet[DueItem], key: str, now: dt.datetime) -> dict[Any, dict[str, int]]:
    """{key value: {status: count}} from one GROUP BY key, status (one CASE per row)."""
    whens = [When(q, then=Value(status)) for status, q in status_filters(now).items()]
    rows = (
        items.order_by()
        .annotate(st=Case(*whens, output_field=CharField()))
        .values_list(key, "st")
        .annotate(n=Count("*"))
    )
    result: dict[Any, dict[str, int]] = {}
    for value, status, count in rows:
        result.setdefault(value, dict.fromkeys(STATUSES, 0))[status] = count
    return result


def completion_report(
    user: Any, unit: Unit, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> Report:
    """Rows for the children of `unit` (people for a group), with a total row."""
    if not can(user, "records.unit.oversee", unit):
        raise Http404(NOT_FOUND_MESSAGE)
    now = now or timezone.now()
    items = _items(unit, start, end)
    if unit.kind in (UnitKind.SO, UnitKind.PHONG):
        rows = _by_child_unit(unit, _aggregate(items, "school_id", now))
    elif unit.kind == UnitKind.TRUONG:
        rows = _by_group(unit, _aggregate(items, "unit_id", now))
    else:
        rows = _by_person(_aggregate(items, "owner_id", now))
    return _report(unit, start, end, rows)


def completion_from_schools(
    user: Any,
    unit: Unit,
    start: dt.datetime,
    end: dt.datetime,
    by_school: dict[int, dict[str, int]],
) -> Report:
    """The report of a Sở or Phòng from counts per school already made (the dashboard's
    summary, `hoso.records.summary`): the same rows as `completion_report`."""
    if not can(user, "records.unit.oversee", unit) or unit.kind not in (
        UnitKind.SO,
        UnitKind.PHONG,
    ):
        raise Http404(NOT_FOUND_MESSAGE)
    return _report(unit, start, end, _by_child_unit(unit, by_school))


def _report(unit: Unit, start: dt.datetime, end: dt.datetime, rows: list[Counts]) -> Report:
    total = Counts(label=unit.name, unit_id=unit.pk)
    for row in rows:
        total.add(row.values)
    return Report(unit=unit, start=start, end=end, rows=rows, total=total)


def _by_child_unit(unit: Unit, by_school: dict[int, dict[str, int]]) -> list[Counts]:
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("name"))
    rows = {child.pk: Counts(label=child.name, unit_id=child.pk) for child in children}
    by_path = {child.path: rows[child.pk] for child in children}
    # Schools outside the unit's tree (the province-wide query of a top Sở) match no child.
    paths = dict(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.TRUONG).values_list(
            "pk", "path"
        )
    )
    depth = len(unit.path)
    for school_id, values in by_school.items():
        path = paths.get(school_id, "")
        row = by_path.get(path[: path.find("/", depth) + 1]) if path else None
        if row is not None:  # the child whose path is the next step of the school's
            row.add(values)
    return list(rows.values())


def _by_group(school: Unit, by_unit: dict[int, dict[str, int]]) -> list[Counts]:
    groups = Unit.objects.filter(school=school, kind=UnitKind.TO).order_by("name")
    rows = {group.pk: Counts(label=group.name, unit_id=group.pk) for group in groups}
    rows[school.pk] = Counts(
        label=_("Nhà trường (hồ sơ chung, giáo viên ngoài tổ)"), unit_id=school.pk
    )
    for unit_id, values in by_unit.items():
        rows.setdefault(unit_id, Counts(label=str(unit_id), unit_id=unit_id)).add(values)
    return [row for row in rows.values() if row.total or row.unit_id != school.pk]


def _by_person(by_owner: dict[Any, dict[str, int]]) -> list[Counts]:
    names = dict(
        get_user_model()
        .objects.filter(pk__in=[k for k in by_owner if k])
        .values_list("pk", "first_name")
    )
    rows = []
    for owner_id, values in by_owner.items():
        row = Counts(label=names.get(owner_id, _("(chưa có người phụ trách)")), owner_id=owner_id)
        row.add(values)
        rows.append(row)
    return sorted(rows, key=lambda r: r.label)


# --- people × periods ------------------------------------------------------------------------


@dataclass
class Matrix:
    columns: list[tuple[str, str, str]]  # (type code, period key, label)
    rows: list[tuple[str, list[str]]]  # (person, status per column or "")


def completion_matrix(
    user: Any, unit: Unit, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> Matrix:
    if not can(user, "records.unit.oversee", unit) or unit.kind in (UnitKind.SO, UnitKind.PHONG):
        raise Http404(NOT_FOUND_MESSAGE)
    now = now or timezone.now()
    items = list(
        _items(unit, start, end)
        .select_related("record_type", "owner")
        .order_by("effective_due_at", "record_type__code")[:MATRIX_LIMIT]
    )
    columns: dict[tuple[str, str], str] = {}
    cells: dict[str, dict[tuple[str, str], str]] = {}
    for item in items:
        column = (item.record_type.code, item.period_key)
        columns.setdefault(column, f"{item.record_type.name} · {item.period_label}")
        person = item.owner.first_name if item.owner else _("(chưa có người phụ trách)")
        cells.setdefault(person, {})[column] = status_of(item, now)
    ordered = list(columns)
    rows = [(person, [row.get(c, "") for c in ordered]) for person, row in sorted(cells.items())]
    return Matrix(columns=[(c[0], c[1], columns[c]) for c in ordered], rows=rows)


def completion_xlsx(report: Report, matrix: Matrix | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    window = (
        f"{timezone.localtime(report.start):%d/%m/%Y} – {timezone.localtime(report.end):%d/%m/%Y}"
    )
    # Every value goes through safe_row: unit and people names are typed by schools.
    sheet.append(safe_row([f"Tình hình nộp hồ sơ: {report.unit.name}", window]))
    sheet.append(
        safe_row(
            [
                "Đơn vị / người",
                *[str(DueStatus.LABELS[s]) for s in STATUSES],
                "Tổng",
                "% đã nộp",
                "% đúng hạn",
            ]
        )
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in [*report.rows, report.total]:
        data = row.as_dict()
        values = [data[s] for s in STATUSES]
        sheet.append(safe_row([row.label, *values, row.total, row.pct_submitted, row.pct_on_time]))
    if matrix is not None and matrix.columns:
        grid = book.create_sheet("Chi tiết")
        grid.append(safe_row(["Người", *[label for _, _, label in matrix.columns]]))
        for person, statuses in matrix.rows:
            grid.append(safe_row([person, *[str(DueStatus.LABELS.get(s, "")) for s in statuses]]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
