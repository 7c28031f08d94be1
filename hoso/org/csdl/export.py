"""Rows of a CSDL export: what HoSo has, written as the layout's cells (dates dd/mm/yyyy, the
value lists' titles, dân tộc by name), so that the file imports back as "nothing changed"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from hoso.org.csdl.layouts import Layout
from hoso.org.models import Enrolment, Staff, Student, Unit, UnitKind
from hoso.org.particulars import ethnicity_name
from hoso.org.years import current_year
from hoso.policy import can


def _schools(unit: Unit) -> QuerySet[Unit]:
    if unit.kind == UnitKind.TRUONG:
        return Unit.objects.filter(pk=unit.pk)
    return Unit.objects.filter(kind=UnitKind.TRUONG, path__startswith=unit.path)


def _cell(lay: Layout, name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if name == "gender":
        return lay.value_title("GIOI_TINH", value)
    if name == "ethnicity":
        return ethnicity_name(value)
    return str(value)


def _person(actor: Any, lay: Layout, person: Any) -> dict[str, str]:
    row = {name: _cell(lay, name, getattr(person, name, "")) for name in lay.fields}
    if "personal_id" in row and not can(actor, "org.personal_id.view", person):
        row["personal_id"] = ""  # not theirs to see; a blank cell changes nothing on import
    return row


def export_rows(actor: Any, unit: Unit, lay: Layout) -> list[dict[str, str]]:
    schools = _schools(unit)
    year = current_year()
    if lay.entity == "schools":
        return [{n: _cell(lay, n, getattr(s, n)) for n in lay.fields} for s in schools]
    if lay.entity == "classes":
        classes = Unit.objects.filter(kind=UnitKind.LOP, school__in=schools, school_year=year)
        return [{n: _cell(lay, n, getattr(c, n)) for n in lay.fields} for c in classes]
    if lay.entity == "staff":
        staff = Staff.objects.filter(unit__school__in=schools, is_active=True).select_related(
            "unit"
        )
        return [_person(actor, lay, s) for s in staff]
    students = Student.objects.filter(school__in=schools, is_active=True)
    if lay.entity == "students":
        required = {c.field for c in lay.columns if c.required and c.field}
        return [
            _person(actor, lay, s)
            for s in students
            if all(getattr(s, name) not in (None, "") for name in required)
        ]
    enrolments = (
        Enrolment.objects.filter(student__in=students, school_year=year)
        .select_related("student", "school_class")
        .order_by("school_class__name", "student__sort_key")
    )
    rows = []
    for enrolment in enrolments:
        row = _person(actor, lay, enrolment.student)
        row["class_code"] = enrolment.school_class.code
        rows.append(row)
    return rows
