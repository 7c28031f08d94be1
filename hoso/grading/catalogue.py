"""Subjects of a school's grade, seeded from `data/subjects.json` the first time they are asked
for; the school then switches electives on/off or adjusts periods (GradingConfig for rules)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hoso.core.errors import NotFound
from hoso.grading.models import GradingConfig, SchoolSubject, SubjectKind
from hoso.grading.rules.subjects import primary_subjects, secondary_subjects
from hoso.grading.sheets import (
    CHECKPOINTS,
    PCNL,
    REN_LUYEN,
    Column,
    conduct_columns,
    is_primary,
    pcnl_columns,
    subject_columns,
)
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


def ensure_subjects(school: Unit, grade: int) -> list[SchoolSubject]:
    """The school's subjects for `grade` (seeded with defaults on first use; electives off)."""
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


def class_subjects(school_class: Unit) -> list[SchoolSubject]:
    assert school_class.school is not None and school_class.grade is not None
    subjects = ensure_subjects(school_class.school, school_class.grade)
    return sorted((s for s in subjects if s.enabled), key=lambda s: s.order)


def class_subject(school_class: Unit, code: str) -> SchoolSubject:
    for subject in class_subjects(school_class):
        if subject.code == code:
            return subject
    raise NotFound("Lớp này không học môn đã chọn.")


def config_for(school: Unit) -> GradingConfig:
    config = GradingConfig.objects.filter(school=school).first()
    return config or GradingConfig(school=school)


def sheet_columns(school_class: Unit, sheet: str, checkpoint: str | None = None) -> list[Column]:
    """Columns of one grid. For "pcnl", one checkpoint, or all four when `checkpoint` is None."""
    grade = school_class.grade or 0
    if sheet == PCNL:
        if not is_primary(grade):
            raise NotFound("Phần phẩm chất, năng lực chỉ có ở tiểu học.")
        points = [checkpoint] if checkpoint else CHECKPOINTS
        return [col for cp in points for col in pcnl_columns(grade, cp)]
    if sheet == REN_LUYEN:
        if is_primary(grade):
            raise NotFound("Kết quả rèn luyện chỉ có ở THCS, THPT.")
        return conduct_columns(grade)
    return subject_columns(class_subject(school_class, sheet))


def sheets_of(school_class: Unit) -> list[tuple[str, str]]:
    """(sheet, title) for every grid of a class."""
    found = [(s.code, s.name) for s in class_subjects(school_class)]
    if is_primary(school_class.grade or 0):
        found.append((PCNL, "Phẩm chất, năng lực"))
    else:
        found.append((REN_LUYEN, "Rèn luyện"))
    return found
