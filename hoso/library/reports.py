"""Yearly library figures (TT 16/2022) per school, rolled up for a Phòng or the Sở.

Ratios of a roll-up are recomputed from the sums, never averaged. Thresholds: copies per pupil
≥ 3 (tiểu học, NĐ 93/2020 Điều 17; TT 16 Điều 10 figure UNCONFIRMED), ≥ 4 (THCS) and ≥ 5
(THPT) (TT 16 Điều 15.1.b, Mức độ 1); no threshold for mầm non or for the other figures
(none found in TT 16: docs/sources/library.md §1)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from hoso.core.xlsx import safe_row
from hoso.library.models import (
    BibRecord,
    Copy,
    CopyStatus,
    DigitalResource,
    ItemKind,
    Loan,
    ReadingSession,
)
from hoso.org.models import Enrolment, SchoolLevel, Unit, UnitKind
from hoso.org.years import current_year

THRESHOLD = {SchoolLevel.TH: 3, SchoolLevel.THCS: 4, SchoolLevel.THPT: 5, SchoolLevel.LIEN_CAP: 5}
KINDS = [k for k, _ in ItemKind.choices if k != ItemKind.SO]


@dataclass
class Figures:
    unit: Unit
    titles: int = 0
    copies: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    added: int = 0
    removed: int = 0
    students: int = 0
    loans: int = 0
    readers: int = 0
    sessions: int = 0
    digital: int = 0
    digital_opens: int = 0

    @property
    def copies_per_student(self) -> float | None:
        return round(self.copies / self.students, 2) if self.students else None

    @property
    def loans_per_student(self) -> float | None:
        return round(self.loans / self.students, 2) if self.students else None

    @property
    def threshold(self) -> int | None:
        return THRESHOLD.get(SchoolLevel(self.unit.level)) if self.unit.level else None

    @property
    def meets(self) -> bool | None:
        ratio, need = self.copies_per_student, self.threshold
        return None if ratio is None or need is None else ratio >= need

    @property
    def kinds(self) -> list[int]:
        return [self.by_kind.get(k, 0) for k in KINDS]


def _counts(rows: Any, key: str = "school") -> dict[int, int]:
    return {r[key]: r["n"] for r in rows}


def school_figures(schools: list[Unit]) -> list[Figures]:
    """One query per figure for all `schools` together (grouped by school)."""
    ids = [s.pk for s in schools]
    year = current_year()
    start = year.start_date if year else None
    live = Copy.objects.filter(school_id__in=ids).exclude(
        status__in=[CopyStatus.WEEDED, CopyStatus.LOST]
    )
    copies = _counts(live.values("school").annotate(n=Count("id")))
    by_kind: dict[int, dict[str, int]] = {}
    for row in live.values("school", "record__kind").annotate(n=Count("id")):
        by_kind.setdefault(row["school"], {})[row["record__kind"]] = row["n"]
    titles = _counts(
        BibRecord.objects.filter(school_id__in=ids).values("school").annotate(n=Count("id"))
    )
    all_copies = Copy.objects.filter(school_id__in=ids)
    added = _counts(
        all_copies.filter(created_at__date__gte=start).values("school").annotate(n=Count("id"))
        if start
        else all_copies.none().values("school").annotate(n=Count("id"))
    )
    removed = _counts(
        all_copies.filter(removed_on__isnull=False).values("school").annotate(n=Count("id"))
    )
    students = {
        r["school_class__school"]: r["n"]
        for r in Enrolment.objects.filter(school_year=year, school_class__school_id__in=ids)
        .values("school_class__school")
        .annotate(n=Count("id"))
    }
    loans_q = Loan.objects.filter(school_id__in=ids)
    if start:
        loans_q = loans_q.filter(issued_at__date__gte=start)
    loan_rows = loans_q.values("school").annotate(
        n=Count("id"),
        readers=Count("student", distinct=True) + Count("staff", distinct=True),
    )
    loans = {r["school"]: r for r in loan_rows}
    sessions_q = ReadingSession.objects.filter(school_id__in=ids)
    if start:
        sessions_q = sessions_q.filter(day__gte=start)
    sessions = _counts(sessions_q.values("school").annotate(n=Count("id")))
    result = []
    for school in schools:
        ancestors = school.ancestor_ids()
        digital = DigitalResource.objects.filter(state="published").filter(
            Q(owner_unit_id__in=ancestors)
        )
        result.append(
            Figures(
                unit=school,
                titles=titles.get(school.pk, 0),
                copies=copies.get(school.pk, 0),
                by_kind=by_kind.get(school.pk, {}),
                added=added.get(school.pk, 0),
                removed=removed.get(school.pk, 0),
                students=students.get(school.pk, 0),
                loans=loans.get(school.pk, {}).get("n", 0),
                readers=loans.get(school.pk, {}).get("readers", 0),
                sessions=sessions.get(school.pk, 0),
                digital=digital.count(),
                digital_opens=sum(digital.values_list("opens", flat=True)),
            )
        )
    return result


def rollup(unit: Unit) -> tuple[list[Figures], Figures]:
    """Every school at or below `unit`, and their total (ratios from the sums)."""
    if unit.kind == UnitKind.TRUONG:
        schools = [unit]
    else:
        schools = list(
            Unit.objects.filter(
                kind=UnitKind.TRUONG, path__startswith=unit.path, is_active=True
            ).order_by("path")
        )
    rows = school_figures(schools)
    total = Figures(unit=unit)
    for row in rows:
        for name in (
            "titles",
            "copies",
            "added",
            "removed",
            "students",
            "loans",
            "readers",
            "sessions",
            "digital_opens",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for kind, n in row.by_kind.items():
            total.by_kind[kind] = total.by_kind.get(kind, 0) + n
    total.digital = max((r.digital for r in rows), default=0)
    return rows, total


HEADER = [
    "Đơn vị",
    "Đầu sách",
    "Bản sách",
    *[str(label) for k, label in ItemKind.choices if k != "SO"],
    "Nhập trong năm",
    "Xuất (thanh lý, mất)",
    "Học sinh",
    "Bản sách / học sinh",
    "Mức tối thiểu",
    "Đạt",
    "Lượt mượn",
    "Lượt mượn / học sinh",
    "Bạn đọc",
    "Tiết đọc",
    "Tài liệu số",
    "Lượt mở tài liệu số",
]


def _row(f: Figures) -> list[Any]:
    meets = {True: "Đạt", False: "Chưa đạt", None: ""}[f.meets]
    return [
        f.unit.name,
        f.titles,
        f.copies,
        *f.kinds,
        f.added,
        f.removed,
        f.students,
        f.copies_per_student,
        f.threshold,
        meets,
        f.loans,
        f.loans_per_student,
        f.readers,
        f.sessions,
        f.digital,
        f.digital_opens,
    ]


def xlsx(unit: Unit) -> bytes:
    # openpyxl for this file only: not loaded by a web process until someone asks for it
    from openpyxl import Workbook

    rows, total = rollup(unit)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thư viện"
    sheet.append(safe_row(HEADER))
    for figures in rows:
        sheet.append(safe_row(_row(figures)))
    if len(rows) > 1:
        total_row = _row(total)
        total_row[0] = f"Tổng cộng ({unit.name})"
        sheet.append(safe_row(total_row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
