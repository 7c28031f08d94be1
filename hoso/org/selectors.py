"""Reads of units and people, already narrowed by the policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from hoso.core.vietnamese import collation_key
from hoso.org.models import (
    Enrolment,
    Role,
    RoleAssignment,
    SchoolYear,
    Staff,
    Student,
    Unit,
    present_on,
)
from hoso.org.years import current_year
from hoso.policy import visible
from hoso.policy.grants import Grant, GrantSource, use_source


def units_visible_to(user: Any) -> QuerySet[Unit]:
    return visible(user, "org.unit.view", Unit.objects.all()).order_by("path")


def staff_visible_to(user: Any, *, unit: Unit | None = None, q: str = "") -> QuerySet[Staff]:
    staff = visible(user, "org.staff.view", Staff.objects.select_related("unit"))
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    if q:
        staff = staff.filter(Q(full_name__icontains=q) | Q(code__icontains=q))
    return staff.order_by("sort_key", "id")


def students_visible_to(
    user: Any, *, school_class: Unit | None = None, q: str = ""
) -> QuerySet[Student]:
    students = visible(user, "org.student.view", Student.objects.select_related("school"))
    if school_class is not None:
        students = students.filter(enrolments__school_class=school_class)
    if q:
        students = students.filter(Q(full_name__icontains=q) | Q(code__icontains=q))
    return students.order_by("sort_key", "id")


def classes_visible_to(user: Any, *, year: SchoolYear | None = None) -> QuerySet[Unit]:
    year = year or current_year()
    classes = units_visible_to(user).filter(kind="LOP")
    if year is not None:
        classes = classes.filter(school_year=year)
    return classes.order_by("school__name", "grade", "name")


def roles_of(user: Any, year: SchoolYear | None = None) -> list[RoleAssignment]:
    year = year or current_year()
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    if year is not None:
        assignments = assignments.filter(school_year=year)
    return sorted(assignments, key=lambda a: (list(Role.values).index(a.role), a.unit.path))


def class_roster(
    school_class: Unit, year: SchoolYear, *, on: dt.date | None = None
) -> list[Student]:
    """The class's students of the year; with `on`, only those in the school that day (a pupil
    who left in March is not on May's list, one who came in January is not on December's)."""
    enrolments = Enrolment.objects.filter(school_class=school_class, school_year=year)
    if on is not None:
        enrolments = enrolments.filter(present_on(on))
    return list(Student.objects.filter(enrolments__in=enrolments).order_by("sort_key", "id"))


def term_last_day(year: SchoolYear, term: str) -> dt.date:
    """The day a term's results are due: HK1 ends on `term1_end`, HK2 and the year (CN) on the
    year's last day. A student is expected to have a term's results when on the class list
    that day."""
    return year.term1_end if term == "HK1" else year.end_date


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=collation_key)


# The policy's source of roles and school years (hoso.policy.grants), registered from ready().


def grants_of(user: Any, year: SchoolYear | None) -> list[Grant]:
    """Every role the person holds in `year` (in every year when None), where."""
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    if year is not None:
        assignments = assignments.filter(school_year=year)
    return [Grant(a.role, a.unit_id, a.unit.path, a.unit.school_id) for a in assignments]


def register_grant_source() -> None:
    use_source(GrantSource(grants=lambda user: grants_of(user, current_year())))
