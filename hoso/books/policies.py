"""Who may fill a student's particulars and who generates the official books.

- the GVCN of the student's class this year, and the school's HT, PHT and VT, fill the
  particulars the books print;
- the school's HT, PHT and VT generate the school's books (sổ đăng bộ, sổ theo dõi và đánh giá
  học sinh, bảng tổng hợp) and start batches; anyone who sees the class sees what is missing."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.grading.policies import homeroom_class_ids
from hoso.org.models import Enrolment, Role, Student, Unit
from hoso.org.years import current_year
from hoso.policy.grants import Grants
from hoso.policy.registry import register

BOOK_KEEPERS = frozenset({Role.HT, Role.PHT, Role.VT})


def _homeroom_student_ids(user: Any) -> Q:
    year = current_year()
    classes = homeroom_class_ids(user)
    ids = Enrolment.objects.filter(school_class_id__in=classes, school_year=year).values(
        "student_id"
    )
    return Q(pk__in=ids)


def _student_fill(grants: Grants, user: Any, student: Student) -> bool:
    if grants.is_admin or student.school_id in grants.schools(BOOK_KEEPERS):
        return True
    year = current_year()
    return Enrolment.objects.filter(
        student=student, school_year=year, school_class_id__in=homeroom_class_ids(user)
    ).exists()


def _student_fill_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(school_id__in=grants.schools(BOOK_KEEPERS)) | _homeroom_student_ids(user)


def _school_books(grants: Grants, _user: Any, unit: Unit) -> bool:
    school_id = unit.school_id or unit.pk
    return grants.is_admin or school_id in grants.schools(BOOK_KEEPERS)


def _school_books_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(BOOK_KEEPERS))


def _class_books(grants: Grants, user: Any, school_class: Unit) -> bool:
    """A class's books: the school's keepers, or the GVCN of the class."""
    if _school_books(grants, user, school_class):
        return True
    return school_class.pk in homeroom_class_ids(user)


def _batch_view(grants: Grants, user: Any, batch: Any) -> bool:
    return bool(batch.user_id == user.pk) or _school_books(grants, user, batch.school)


def _batch_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(user_id=user.pk) | Q(school_id__in=grants.schools(BOOK_KEEPERS))


def register_all() -> None:
    register("books.student.fill", _student_fill, _student_fill_scope)
    register("books.school.generate", _school_books, _school_books_scope)
    register("books.class.generate", _class_books)
    register("books.batch.view", _batch_view, _batch_scope)
