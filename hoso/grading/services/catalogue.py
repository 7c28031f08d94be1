"""The subjects a school teaches in a grade, seeded from the national catalogue
(`data/subjects.json`) the first time they are asked for: compulsory subjects on, electives off.
The school then switches electives on or off (`services.assignments.school_subjects_assign`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hoso.grading.models import SchoolSubject, SubjectKind
from hoso.grading.rules.subjects import primary_subjects, secondary_subjects
from hoso.grading.sheets import is_primary
from hoso.org.models import Unit


def _rows(grade: int) -> list[tuple[str, str, str, int, bool]]:
    if is_primary(grade):
        return [
            (s.code, s.name, SubjectKind.PRIMARY, s.periods_per_year, s.elective)
            for s in primary_subjects(grade)
        ]
    return [
        (s.code, s.name, s.assessment.value, s.periods_per_year, s.elective)
        for s in secondary_subjects(grade)
    ]


def school_subjects_ensure(*, school: Unit, grade: int) -> list[SchoolSubject]:
    """The school's subjects for `grade` (seeded with defaults on first use; electives off).
    Not audited: the defaults are nobody's decision. Called from reads and from writes, so the
    seeding is a savepoint of its own: a concurrent request that seeded first wins."""
    existing = list(SchoolSubject.objects.filter(school=school, grade=grade))
    if existing:
        return existing
    rows = [
        SchoolSubject(
            school=school,
            grade=grade,
            code=code,
            name=name,
            kind=kind,
            periods_per_year=periods,
            elective=elective,
            enabled=not elective,
            order=index,
        )
        for index, (code, name, kind, periods, elective) in enumerate(_rows(grade))
    ]
    try:
        with transaction.atomic():
            SchoolSubject.objects.bulk_create(rows)
    except IntegrityError:  # seeded concurrently by another request
        pass
    return list(SchoolSubject.objects.filter(school=school, grade=grade))
