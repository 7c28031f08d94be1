"""The rows of the entry grid: one input per cell and, for a scored THCS/THPT subject, the
subject averages (ĐTBmhk I after CK HK I, ĐTBmhk II and ĐTBmcn after CK HK II) as the server
computes them from what is stored. The save endpoint answers with the same averages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from hoso.grading.catalogue import class_subject
from hoso.grading.compute import Average, Cells, subject_averages
from hoso.grading.models import SchoolSubject, SubjectKind
from hoso.grading.sheets import PCNL, REN_LUYEN, Column, grid_text, is_primary
from hoso.org.models import Student, Unit

# Which averages follow which column.
AVERAGES_AFTER = {"hk1.ck": ("HK1",), "hk2.ck": ("HK2", "CN")}
AVERAGE_LABELS: dict[str, tuple[Promise, Promise]] = {
    "HK1": (gettext_lazy("ĐTBmhk I"), gettext_lazy("Điểm trung bình môn học kì I")),
    "HK2": (gettext_lazy("ĐTBmhk II"), gettext_lazy("Điểm trung bình môn học kì II")),
    "CN": (gettext_lazy("ĐTBmcn"), gettext_lazy("Điểm trung bình môn cả năm")),
}


@dataclass(frozen=True)
class InputCell:
    column: Column
    open: bool
    text: str
    origin: str = ""  # kết quả chuyển đến: the school it came from; shown, never edited


@dataclass(frozen=True)
class AverageHead:
    term: str
    label: Promise
    title: Promise


@dataclass(frozen=True)
class AverageCell:
    term: str
    average: Average


def averaged_subject(school_class: Unit, sheet: str) -> SchoolSubject | None:
    """The subject whose averages the grid shows: a scored THCS/THPT subject, else None."""
    if sheet in (PCNL, REN_LUYEN) or is_primary(school_class.grade or 0):
        return None
    subject = class_subject(school_class, sheet)
    return subject if subject.kind == SubjectKind.SCORE else None


def head_items(
    header: list[tuple[Column, bool]], averaged: bool
) -> list[tuple[Column, bool] | AverageHead]:
    items: list[tuple[Column, bool] | AverageHead] = []
    for column, open_ in header:
        items.append((column, open_))
        for term in _terms_after(column, averaged):
            items.append(AverageHead(term, *AVERAGE_LABELS[term]))
    return items


def row_items(
    header: list[tuple[Column, bool]],
    cells: Cells,
    averages: dict[str, Average] | None,
    received: dict[tuple[str, str], str] | None = None,
) -> list[InputCell | AverageCell]:
    """`received`: (area, slot) → origin of the pupil's cells a transfer package brought."""
    items: list[InputCell | AverageCell] = []
    for column, open_ in header:
        value = cells.get(column.area, {}).get(column.slot, "")
        origin = (received or {}).get((column.area, column.slot), "")
        text = grid_text(column.kind, value)
        items.append(InputCell(column, open_ and not origin, text, origin))
        for term in _terms_after(column, averages is not None):
            assert averages is not None
            items.append(AverageCell(term, averages[term]))
    return items


def _terms_after(column: Column, averaged: bool) -> tuple[str, ...]:
    return AVERAGES_AFTER.get(column.slot, ()) if averaged else ()


def grid_averages(
    school_class: Unit, subject: SchoolSubject | None, students: Iterable[Student | int]
) -> dict[int, dict[str, Average]]:
    if subject is None:
        return {}
    ids = [s if isinstance(s, int) else s.pk for s in students]
    return subject_averages(school_class, subject, ids)


def averages_json(averages: dict[int, dict[str, Average]]) -> dict[str, dict[str, dict[str, str]]]:
    return {
        str(student_id): {term: average.as_json() for term, average in terms.items()}
        for student_id, terms in averages.items()
    }
