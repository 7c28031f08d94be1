"""Reads of the gradebook, already narrowed by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.grading.models import (
    CorrectionRequest,
    EntryWindow,
    Guardian,
    HocBaVersion,
    Publication,
)
from hoso.org.models import Student, Unit, UnitKind
from hoso.policy import get_or_404, visible
from hoso.policy.grants import current_year


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


def corrections_for(user: Any, *, status: str | None = None) -> QuerySet[CorrectionRequest]:
    rows = CorrectionRequest.objects.select_related(
        "school_class", "student", "requested_by", "decided_by"
    )
    if status:
        rows = rows.filter(status=status)
    return visible(user, "grading.correction.view", rows).order_by("-requested_at", "-id")


def children_of(user: Any) -> QuerySet[Student]:
    ids = Guardian.objects.filter(user_id=user.pk).values("student_id")
    return Student.objects.filter(pk__in=ids).order_by("sort_key")


def published_terms(school_class: Unit) -> list[str]:
    rows = Publication.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    )
    return list(rows.values_list("term", flat=True))


def hoc_ba_for(user: Any) -> QuerySet[HocBaVersion]:
    rows = HocBaVersion.objects.select_related("student", "school_class", "school_year")
    return visible(user, "grading.hocba.view", rows)


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
