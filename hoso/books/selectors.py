"""Reads for the official books, narrowed by the policy."""

from __future__ import annotations

from typing import Any

from hoso.books.missing import Book, class_missing, hocba_book
from hoso.org.models import Enrolment, Student, Unit
from hoso.policy import get_or_404


def class_students(school_class: Unit) -> list[Student]:
    """The students enrolled in the class this year, in class-list order."""
    rows = Enrolment.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).select_related("student")
    return sorted((row.student for row in rows), key=lambda s: s.sort_key)


def student_to_fill(user: Any, pk: int) -> Student:
    return get_or_404(user, "books.student.fill", Student.objects.select_related("school"), pk=pk)


def missing_for_class(school_class: Unit) -> dict[str, list[tuple[Student, list[str]]]]:
    """Per book the class's students take part in: who lacks what."""
    students = class_students(school_class)
    level = school_class.school.level if school_class.school else ""
    books = [hocba_book(level), Book.SO_DANG_BO]
    if level in ("THCS", "THPT"):
        books.append(Book.SO_THEO_DOI)
    return {book: class_missing(students, book) for book in books}


def particulars_missing_all(student: Student, level: str) -> list[str]:
    """Everything the student's books still lack, each label once."""
    from hoso.books.missing import particulars_missing

    books = [hocba_book(level), Book.SO_DANG_BO]
    seen: list[str] = []
    for book in books:
        seen += [label for label in particulars_missing(student, book) if label not in seen]
    return seen


def schools_for(user: Any) -> list[Unit]:
    """The schools whose books the person keeps (HT, PHT, VT)."""
    from hoso.org.models import UnitKind
    from hoso.policy import visible

    schools = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).exclude(level="MN")
    return list(visible(user, "books.school.generate", schools).order_by("name"))


def school_for(user: Any, pk: int) -> Unit:
    from hoso.org.models import UnitKind

    schools = Unit.objects.filter(kind=UnitKind.TRUONG)
    return get_or_404(user, "books.school.generate", schools, pk=pk)


def editions_of(school: Unit, school_class: Unit | None = None) -> list[Any]:
    from hoso.books.models import BookEdition
    from hoso.org.years import current_year

    rows = BookEdition.objects.filter(school=school, school_year=current_year()).select_related(
        "record", "school_class"
    )
    if school_class is not None:
        rows = rows.filter(school_class=school_class)
    return list(
        rows.order_by("kind", "school_class__grade", "school_class__name", "term", "-number")
    )


def batch_for(user: Any, pk: int) -> Any:
    from hoso.books.models import BookBatch

    return get_or_404(user, "books.batch.view", BookBatch.objects.select_related("school"), pk=pk)
