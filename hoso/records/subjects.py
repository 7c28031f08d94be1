"""Who the subject teachers (giáo viên bộ môn) of a class are, for a chain step performed by
"the subject teachers of the record's class" (SUBJECT_TEACHERS): each signs their own
subjects' lists, and the step is done when every subject taught in the class is signed. The
grading app knows the teaching assignments; it registers its lookups here from
GradingConfig.ready(), so records never imports grading. Looked up when someone asks, as the
GVCN is (hoso.records.homerooms): a teacher who takes over a subject while the record waits
is the one who signs it, and a signature given by the teacher before stays valid and counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, StrIndex

from hoso.core.request_cache import once_per_request


@dataclass(frozen=True)
class Taught:
    """One subject taught in a class that year, and its teacher."""

    code: str
    name: str
    teacher_id: int


# (class id, school year id) -> the subjects taught in the class, in the class's order
TaughtIn = Callable[[int, int], list[Taught]]
# user id -> the person's teaching assignments, lazily (a subquery), with the fields
# `class_id`, `year_id` and `subject` (the subject's code)
AssignmentsOf = Callable[[int], QuerySet[Any]]

_TAUGHT_IN: list[TaughtIn] = []
_ASSIGNMENTS_OF: list[AssignmentsOf] = []


def register_subject_lookups(*, taught_in: TaughtIn, assignments_of: AssignmentsOf) -> None:
    """Register (or replace: ready() may run twice in tests) the teaching-assignment lookups."""
    _TAUGHT_IN[:], _ASSIGNMENTS_OF[:] = [taught_in], [assignments_of]


def taught_in(class_id: int, school_year_id: int) -> list[Taught]:
    """The subjects of the class that year with their teachers; [] when nobody knows."""
    if not _TAUGHT_IN:
        return []
    lookup = _TAUGHT_IN[0]
    key = ("records.taught_in", class_id, school_year_id)
    return list(once_per_request(key, lambda: lookup(class_id, school_year_id)))


def done_key(code: str) -> str:
    """The mark a signed subject leaves in a workflow's `pending_keys`."""
    return f"D{code}"


def to_sign(class_id: int, school_year_id: int, signed: dict[str, Any]) -> list[Taught]:
    """The subjects of the class still without their teacher's signature."""
    return [t for t in taught_in(class_id, school_year_id) if t.code not in signed]


def still_to_sign_q(user_id: int, prefix: str = "") -> Q:
    """Workflows (reached through `prefix`, "" for Workflow itself) whose record's class has
    `user_id` teaching a subject not yet marked signed in the workflow's keys: one correlated
    subquery, no query now."""
    if not _ASSIGNMENTS_OF:
        return Q(pk__in=[])
    rows = (
        _ASSIGNMENTS_OF[0](user_id)
        .filter(
            class_id=OuterRef(f"{prefix}record__unit_id"),
            year_id=OuterRef(f"{prefix}record__school_year_id"),
        )
        .annotate(
            mark=StrIndex(
                OuterRef(f"{prefix}pending_keys"), Concat(Value("|D"), F("subject"), Value("|"))
            )
        )
        .filter(mark=0)
    )
    return Q(Exists(rows))


def teaches_q(user_id: int, prefix: str = "") -> Q:
    """Records (reached through `prefix`) whose class `user_id` teaches in the record's year."""
    if not _ASSIGNMENTS_OF:
        return Q(pk__in=[])
    rows = _ASSIGNMENTS_OF[0](user_id).filter(
        class_id=OuterRef(f"{prefix}unit_id"), year_id=OuterRef(f"{prefix}school_year_id")
    )
    return Q(Exists(rows))
