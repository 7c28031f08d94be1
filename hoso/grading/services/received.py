"""Results a transfer package brought ("kết quả chuyển đến"): the cells of the year that the
sending school entered, put into the receiving class's gradebook as values of their own
origin (the sending school's name), shown and counted like the others but never edited here
(`hoso.grading.selectors.received_cells`; entries and corrections refuse them). Subjects or
columns the receiving class lacks are returned, to be listed, never dropped silently.

The caller (hoso.schoollife.services.receive.transfer_in) has checked that the actor takes the
student in at the class's school and verified the package's seal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.grading.catalogue import sheet_columns, sheets_of
from hoso.grading.models import Entry
from hoso.grading.rules.subjects import primary_traits, subject_names
from hoso.grading.services.entries import class_year_id
from hoso.grading.sheets import PCNL, REN_LUYEN, Column, normalise
from hoso.org.models import Student, Unit
from hoso.records.services.summary import school_figures_touch


@dataclass(frozen=True)
class LeftOut:
    """Cells of one subject (or part) the receiving class has no column for."""

    area: str
    name: str
    cells: int


@dataclass(frozen=True)
class Received:
    entered: int
    left_out: list[LeftOut] = field(default_factory=list)

    def as_json(self, year: str) -> dict[str, Any]:
        return {
            "year": year,
            "entered": self.entered,
            "left_out": [{"area": x.area, "name": x.name, "cells": x.cells} for x in self.left_out],
        }


def area_name(area: str) -> str:
    """A cell's area in words: the subject, the phẩm chất/năng lực, "Rèn luyện"."""
    if area == REN_LUYEN:
        return _("Rèn luyện")
    if area.startswith(f"{PCNL}."):
        code = area.removeprefix(f"{PCNL}.")
        traits = {t.code: t.name for t in primary_traits()}
        return traits.get(code, _("Nhận xét phẩm chất, năng lực") if code == "nx" else code)
    return subject_names().get(area, area)


def _columns(school_class: Unit) -> dict[str, Column]:
    return {
        column.key: column
        for sheet, _title in sheets_of(school_class)
        for column in sheet_columns(school_class, sheet)
    }


@transaction.atomic
def entries_receive(
    *,
    actor: Any,
    student: Student,
    school_class: Unit,
    cells: Iterable[tuple[str, str, str]],
    origin: str,
    ip: str = "",
) -> Received:
    """Enter the (area, slot, value) cells of `school_class`'s year for `student`, each marked
    with `origin`. A cell the class has no column for, or whose value its rules refuse, is
    counted under its area in `left_out`. A value of the same cell already kept for the
    student this year (a transfer inside this HoSo) is replaced and follows them here."""
    columns = _columns(school_class)
    existing = {
        (e.area, e.slot): e
        for e in Entry.objects.select_for_update().filter(
            student=student, school_year_id=school_class.school_year_id
        )
    }
    entered, left = 0, Counter[str]()
    for area, slot, raw in cells:
        column = columns.get(f"{area}|{slot}")
        value = _accepted(column, raw)
        if column is None or value is None:
            left[area] += 1
        elif value:
            _keep(actor, student, school_class, existing.get((area, slot)), column, value, origin)
            entered += 1
    left_out = [LeftOut(area, area_name(area), n) for area, n in left.items()]
    received = Received(entered, sorted(left_out, key=lambda x: x.name))
    school_figures_touch([school_class.school_id or 0])
    audit_log(
        "grading.entries.received",
        actor=actor,
        obj=school_class,
        unit_id=school_class.school_id,
        ip=ip,
        data={
            "student": student.pk,
            "origin": origin[:200],
            "entered": entered,
            "left_out": {x.area: x.cells for x in received.left_out},
        },
    )
    return received


def _accepted(column: Column | None, raw: str) -> str | None:
    """The value as this class's rules store it ("" for an empty cell); None when the class
    has no such column or its rules refuse the value."""
    if column is None:
        return None
    try:
        return normalise(column, raw)
    except DomainError:
        return None


def _keep(
    actor: Any,
    student: Student,
    school_class: Unit,
    entry: Entry | None,
    column: Column,
    value: str,
    origin: str,
) -> None:
    if entry is None:
        Entry.objects.create(
            school_year_id=class_year_id(school_class),
            school_class=school_class,
            student=student,
            area=column.area,
            slot=column.slot,
            value=value,
            origin=origin[:200],
            updated_by=actor,
        )
        return
    entry.school_class, entry.value, entry.origin = school_class, value, origin[:200]
    entry.updated_by = actor
    entry.save(update_fields=["school_class", "value", "origin", "updated_by", "updated_at"])
