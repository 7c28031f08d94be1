"""Reads of the gradebook: what a person may see, already narrowed by the policy; the entry
windows open for a class; a school's classes, teachers and teaching assignments. The học bạ's
reads are in hoso.grading.hocba.selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.grading.guardians import consented_student_ids
from hoso.grading.models import (
    CorrectionRequest,
    Entry,
    EntryWindow,
    Homeroom,
    Publication,
    TeachingAssignment,
)
from hoso.grading.sheets import Column
from hoso.org.models import Enrolment, Staff, Student, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import get_or_404, visible


def classes_for(user: Any) -> QuerySet[Unit]:
    year = current_year()
    # Mầm non has no gradebook (TT 27 / TT 22 cover tiểu học, THCS, THPT only).
    classes = Unit.objects.filter(
        kind=UnitKind.LOP, school_year=year, is_active=True, grade__gte=1
    ).exclude(school__level="MN")
    return (
        visible(user, "grading.class.view", classes)
        .select_related("school")
        .order_by("school__name", "grade", "name")
    )


def class_for(user: Any, pk: int) -> Unit:
    return get_or_404(
        user,
        "grading.class.view",
        Unit.objects.filter(kind=UnitKind.LOP).select_related("school", "school_year"),
        pk=pk,
    )


def windows_for(user: Any) -> QuerySet[EntryWindow]:
    rows = EntryWindow.objects.filter(school_year=current_year()).select_related(
        "school", "school_class", "opened_by", "closed_by"
    )
    return visible(user, "grading.window.manage", rows).order_by("-opened_at")


def open_windows(school_class: Unit) -> list[EntryWindow]:
    return list(
        EntryWindow.objects.filter(
            school_id=school_class.school_id,
            school_year_id=school_class.school_year_id,
            closed_at__isnull=True,
        )
    )


def window_covers(window: EntryWindow, school_class: Unit, column: Column) -> bool:
    return (
        window.is_open
        and window.grade in (None, school_class.grade)
        and window.school_class_id in (None, school_class.pk)
        and window.sheet in ("", column.sheet)
        and window.checkpoint in ("", column.checkpoint)
    )


def is_open(windows: list[EntryWindow], school_class: Unit, column: Column) -> bool:
    return any(window_covers(w, school_class, column) for w in windows)


def enrolled_ids(school_class: Unit) -> set[int]:
    rows = Enrolment.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    )
    return set(rows.values_list("student_id", flat=True))


def corrections_for(user: Any, *, status: str | None = None) -> QuerySet[CorrectionRequest]:
    rows = CorrectionRequest.objects.select_related(
        "school_class", "student", "requested_by", "decided_by"
    )
    if status:
        rows = rows.filter(status=status)
    return visible(user, "grading.correction.view", rows).order_by("-requested_at", "-id")


def children_of(user: Any) -> QuerySet[Student]:
    """The children whose results the parent may see (linked, consent standing)."""
    return Student.objects.filter(pk__in=consented_student_ids(user)).order_by("sort_key")


def published_terms(school_class: Unit) -> list[str]:
    rows = Publication.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    )
    return list(rows.values_list("term", flat=True))


def published_results(student: Student) -> list[dict[str, Any]]:
    """The student's results for the terms the school has published (nothing before)."""
    from hoso.grading.compute import class_gradebook

    enrolment = (
        student.enrolments.filter(school_year=current_year())
        .select_related("school_class__school", "school_class__school_year")
        .first()
    )
    if enrolment is None:
        return []
    school_class = enrolment.school_class
    terms = published_terms(school_class)
    found = []
    for term in ("HK1", "HK2", "CN"):
        if term in terms:
            book = class_gradebook(school_class, term, students=[student])
            found.append(
                {
                    "term": term,
                    "class": book["class"],
                    "level": book["level"],
                    "row": book["students"][0],
                }
            )
    return found


def managed_schools(user: Any) -> list[Unit]:
    """Schools whose assignments, GVCN and electives the person manages (HT, PHT)."""
    rows = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).exclude(level="MN")
    return list(visible(user, "grading.assignment.manage", rows).order_by("name"))


def config_units(user: Any) -> list[Unit]:
    """Sở units whose rule settings the person may change."""
    rows = Unit.objects.filter(kind=UnitKind.SO, is_active=True)
    return list(visible(user, "grading.config.manage", rows).order_by("name"))


def managed_school(user: Any, pk: int) -> Unit:
    """The school, if the person manages it; another school's leader gets 404 (as missing)."""
    rows = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).exclude(level="MN")
    return get_or_404(user, "grading.assignment.manage", rows, pk=pk)


# --- a school's classes, teachers and teaching assignments -----------------------------------

HOMEROOM = "gvcn"  # the column of the grid that holds the GVCN instead of a subject


def school_teachers(school: Unit) -> list[Any]:
    """Accounts of the school's active staff, in the order of the staff list."""
    rows = Staff.objects.filter(unit__school_id=school.pk, is_active=True, user__isnull=False)
    found = rows.select_related("user").order_by("sort_key")
    return [s.user for s in found if s.user is not None and s.user.is_active]


def school_classes(school: Unit, grade: int | None = None) -> list[Unit]:
    rows = Unit.objects.filter(
        kind=UnitKind.LOP, school=school, school_year=current_year(), is_active=True
    )
    if grade is not None:
        rows = rows.filter(grade=grade)
    return list(rows.select_related("school", "school_year").order_by("grade", "name"))


LEVEL_GRADES = {"TH": range(1, 6), "THCS": range(6, 10), "THPT": range(10, 13)}


def school_grades(school: Unit) -> list[int]:
    """The grades of the school's level (a liên cấp school: the grades of its classes)."""
    if school.level in LEVEL_GRADES:
        return list(LEVEL_GRADES[school.level])
    found = {c.grade for c in school_classes(school) if c.grade and 1 <= c.grade <= 12}
    return sorted(found)


def assignments_of(school: Unit) -> dict[str, int]:
    """ "class|subject" → teacher id for this year's assignments and GVCN of the school."""
    year = current_year()
    found = {
        f"{a.school_class_id}|{a.subject_code}": a.teacher_id
        for a in TeachingAssignment.objects.filter(school_class__school=school, school_year=year)
    }
    for h in Homeroom.objects.filter(school_class__school=school, school_year=year):
        found[f"{h.school_class_id}|{HOMEROOM}"] = h.teacher_id
    return found


def received_cells(school_class: Unit) -> dict[tuple[int, str, str], str]:
    """(student, area, slot) → the school it came from, for the class's cells that a transfer
    package brought (kết quả chuyển đến; the caller has checked the class is visible)."""
    rows = Entry.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).exclude(origin="")
    found = rows.values_list("student_id", "area", "slot", "origin")
    return {(student, area, slot): origin for student, area, slot, origin in found}
