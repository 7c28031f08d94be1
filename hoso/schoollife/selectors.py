"""Reads of a student's school life, narrowed by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.org.models import Enrolment, Student, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can, get_or_404, visible
from hoso.schoollife.models import Movement, ReceivedFile


def student_for(user: Any, pk: int) -> Student:
    """The student whose school life `user` may see (hidden = missing)."""
    students = Student.objects.select_related("school")
    return get_or_404(user, "schoollife.history.view", students, pk=pk)


def movements_of(student: Student) -> QuerySet[Movement]:
    """The student's history, oldest first (the caller has checked the student is visible)."""
    return (
        Movement.objects.filter(student=student)
        .select_related("school", "from_class", "to_class", "recorded_by", "school_year")
        .prefetch_related("files")
        .order_by("on", "id")
    )


def movements_listed(user: Any, kind: str = "") -> QuerySet[Movement]:
    """The movements recorded at the schools whose school life `user` records, newest
    first; `kind` narrows them to one kind of movement."""
    rows = visible(user, "schoollife.movement.list", Movement.objects.all())
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related(
        "student", "school", "from_class", "to_class", "recorded_by"
    ).order_by("-on", "-id")


def enrolments_of(student: Student) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(student=student)
        .select_related("school_year", "school_class__school")
        .order_by("school_year__start_date")
    )


def classes_for_move(student: Student) -> QuerySet[Unit]:
    """The classes of the student's school in the current year."""
    year = current_year()
    return Unit.objects.filter(
        kind=UnitKind.LOP, school_id=student.school_id, school_year=year, is_active=True
    ).order_by("grade", "name")


def can_record(user: Any, student: Student) -> bool:
    return can(user, "schoollife.movement.record", student)


def receiving_schools(user: Any) -> QuerySet[Unit]:
    schools = Unit.objects.filter(kind=UnitKind.TRUONG)
    return visible(user, "schoollife.transfer.receive", schools).order_by("name")


def receiving_classes(school: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(
        kind=UnitKind.LOP, school=school, school_year=current_year(), is_active=True
    ).order_by("grade", "name")


def package_for(user: Any, pk: int) -> Movement:
    """A movement that made or brought a package, for its school's recorders."""
    rows = Movement.objects.exclude(package_sha256="").select_related("student", "school")
    return get_or_404(user, "schoollife.package.download", rows, pk=pk)


def received_file_for(user: Any, pk: int) -> ReceivedFile:
    rows = ReceivedFile.objects.select_related("movement__student__school", "movement__school")
    found = get_or_404(user, "schoollife.file.view", rows, pk=pk)
    return found
