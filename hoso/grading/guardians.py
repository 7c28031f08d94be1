"""Which children's data a parent may see: a guardian link (Guardian) AND a standing consent.

The consent is kept by hoso.families, which registers its source here from its ready()
(grading must not import families: families creates the links and reads the results). Until a
source is registered nobody has consented, so a parent sees nothing: the rule fails closed.
Every place a parent sees a child's data (results, học bạ, library loans and holds) asks
`consented_student_ids`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoso.core.request_cache import once_per_request
from hoso.grading.models import Guardian

ConsentSource = Callable[[int], set[int]]  # user id → ids of students with a standing consent


def _nobody(_user_id: int) -> set[int]:
    return set()


_source: list[ConsentSource] = [_nobody]


def use_consent_source(source: ConsentSource) -> None:
    _source[0] = source


def linked_student_ids(user: Any) -> set[int]:
    """Every child linked to the account, consented or not (the parent's own list)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Guardian.objects.filter(user_id=user.pk).values_list("student_id", flat=True))


def consented_student_ids(user: Any) -> set[int]:
    """The children whose data may be shown to `user`: linked, with a standing consent."""
    if not getattr(user, "is_authenticated", False):
        return set()

    def compute() -> frozenset[int]:
        linked = linked_student_ids(user)
        return frozenset(linked & _source[0](user.pk)) if linked else frozenset()

    return set(once_per_request(("grading.consented_children", user.pk), compute))


def guardians_consenting(student: Any) -> list[int]:
    """The accounts linked to `student` whose consent stands (whom the school may notify)."""
    users = Guardian.objects.filter(student=student).values_list("user_id", flat=True)
    return [int(uid) for uid in users if student.pk in _source[0](int(uid))]
