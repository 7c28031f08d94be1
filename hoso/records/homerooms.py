"""Who the giáo viên chủ nhiệm (GVCN) of a class is, for a chain step performed by "the GVCN of
the record's class", and which classes a person is GVCN of, for their reading of those classes'
records. The grading app knows homerooms; it registers its lookups here from
GradingConfig.ready(), so records never imports grading. Looked up when someone asks, not
when the step opens: a GVCN changed while a record waits is the one who acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hoso.core.request_cache import once_per_request

# (class id, school year id) -> the class's GVCN that year, None when nobody is
TeacherOf = Callable[[int, int], int | None]
# user id -> the person's homerooms, lazily (a subquery), with the fields `class_id`, `year_id`
HomeroomsOf = Callable[[int], QuerySet[Any]]

_TEACHER_OF: list[TeacherOf] = []
_HOMEROOMS_OF: list[HomeroomsOf] = []


def register_homeroom_lookups(*, teacher_of: TeacherOf, homerooms_of: HomeroomsOf) -> None:
    """Register (or replace: ready() may run twice in tests) the homeroom lookups."""
    _TEACHER_OF[:], _HOMEROOMS_OF[:] = [teacher_of], [homerooms_of]


def homeroom_teacher(class_id: int, school_year_id: int) -> int | None:
    """The GVCN of the class in that school year; None when it has none (or nobody knows)."""
    if not _TEACHER_OF:
        return None
    lookup = _TEACHER_OF[0]
    key = ("records.homeroom_teacher", class_id, school_year_id)
    return once_per_request(key, lambda: lookup(class_id, school_year_id))


def homeroom_pairs(user_id: int) -> list[tuple[int, int]]:
    """The person's homerooms as (class id, school year id) pairs, every year, sorted."""
    if not _HOMEROOMS_OF:
        return []
    return sorted(_HOMEROOMS_OF[0](user_id).values_list("class_id", "year_id"))


def gvcn_records_q(user_id: int, prefix: str = "") -> Q:
    """Records (reached through `prefix`, e.g. "record__") whose class has `user_id` as its
    GVCN in the record's school year: one correlated subquery, no query now."""
    if not _HOMEROOMS_OF:
        return Q(pk__in=[])
    rows = _HOMEROOMS_OF[0](user_id).filter(
        class_id=OuterRef(f"{prefix}unit_id"), year_id=OuterRef(f"{prefix}school_year_id")
    )
    return Q(Exists(rows))
