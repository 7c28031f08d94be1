"""Reads about parents: a parent's children with their consent state, a class's parents and
consents for the school, the consent source that grading and library ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from hoso.families.consent_text import CURRENT_VERSION
from hoso.families.models import Consent, ParentContact
from hoso.grading.models import Guardian
from hoso.offices.models import Directive
from hoso.org.models import Enrolment, Student, Unit
from hoso.policy import visible


def standing_consents() -> QuerySet[Consent]:
    """Consents not withdrawn and given to the current text (an older text needs a new one)."""
    return Consent.objects.filter(withdrawn_at__isnull=True, text_version=CURRENT_VERSION)


def consented_children(user_id: int) -> set[int]:
    """hoso.grading.guardians' source: the students `user_id` has a standing consent for."""
    rows = standing_consents().filter(user_id=user_id)
    return {int(pk) for pk in rows.values_list("student_id", flat=True)}


def consent_of(user: Any, student: Student) -> Consent | None:
    """The latest consent row of the account for the child (standing, withdrawn or old)."""
    return Consent.objects.filter(user_id=user.pk, student=student).first()


def is_standing(consent: Consent | None) -> bool:
    return (
        consent is not None
        and consent.withdrawn_at is None
        and consent.text_version == CURRENT_VERSION
    )


def parent_directives(user: Any) -> QuerySet[Directive]:
    """The directives meant for parents that `user` may read (families.directive.view: sent
    to a school where a child they have consented for is enrolled today), newest first."""
    rows = Directive.objects.select_related("office", "version")
    return visible(user, "families.directive.view", rows).order_by("-issued_at", "-id")


def children_for_consent(user: Any) -> QuerySet[Student]:
    """Every child linked to the account (consented or not): the parent's own list."""
    rows = visible(user, "families.child.consent", Student.objects.all())
    return rows.select_related("school").order_by("sort_key")


def classes_managed(user: Any) -> QuerySet[Unit]:
    from hoso.org.years import current_year

    rows = Unit.objects.filter(school_year=current_year(), is_active=True)
    return (
        visible(user, "families.class.manage", rows)
        .select_related("school")
        .order_by("school__name", "grade", "name")
    )


def class_students(school_class: Unit) -> QuerySet[Student]:
    ids = Enrolment.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).values("student_id")
    return Student.objects.filter(pk__in=ids).order_by("sort_key")


def class_contacts(school_class: Unit) -> QuerySet[ParentContact]:
    return ParentContact.objects.filter(student__in=class_students(school_class)).select_related(
        "student", "user"
    )


class ConsentState:
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    NONE = "none"
    NO_ACCOUNT = "no_account"  # no parent account linked to the pupil yet


@dataclass(frozen=True)
class ConsentRow:
    student: Student
    guardian: Guardian | None  # None: no parent account linked yet
    consent: Consent | None
    state: str


def consent_rows(school_class: Unit) -> list[ConsentRow]:
    """For each pupil of the class, each linked parent account and where its consent stands:
    given (current text), withdrawn, no answer (never, or only to an older text), or no
    account linked yet."""
    students = list(class_students(school_class))
    links = Guardian.objects.filter(student__in=students).select_related("user")
    by_student: dict[int, list[Guardian]] = {}
    for guardian in links.order_by("user__username"):
        by_student.setdefault(guardian.student_id, []).append(guardian)
    latest: dict[tuple[int, int], Consent] = {}
    for given in Consent.objects.filter(student__in=students).order_by("given_at", "id"):
        latest[(given.user_id, given.student_id)] = given
    rows = []
    for student in students:
        found: list[Guardian | None] = list(by_student.get(student.pk, []))
        for link in found or [None]:
            consent = latest.get((link.user_id, student.pk)) if link is not None else None
            state = _state(consent) if link is not None else ConsentState.NO_ACCOUNT
            rows.append(ConsentRow(student, link, consent, state))
    return rows


def _state(consent: Consent | None) -> str:
    if is_standing(consent):
        return ConsentState.GIVEN
    if consent is not None and consent.withdrawn_at is not None:
        return ConsentState.WITHDRAWN
    return ConsentState.NONE
