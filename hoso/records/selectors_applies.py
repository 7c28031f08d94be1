"""Which record types apply at a school (and in which edition today), and the classes a person
is GVCN of: reads the records selectors, services and other apps' policies share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from hoso.org.models import Role, Unit
from hoso.org.years import current_year
from hoso.policy.grants import grants_for
from hoso.records import editions
from hoso.records.keepers import provided_owners
from hoso.records.models import Keeper, RecordType

OFFICE_KINDS = frozenset({"PHONG", "SO"})


def applicable_types(school: Unit, day: dt.date | None = None) -> list[RecordType]:
    """Types that apply to `school` on `day` (today): national ones for its level, plus those
    added by the school or by a Phòng or Sở above it, each in the edition then in force."""
    types = list(RecordType.objects.filter(is_active=True))
    return editions.in_force(types, school, day or timezone.localdate(), type_applies)


def type_in_force(record_type: RecordType, school: Unit) -> bool:
    """A new record of `record_type` may be made at `school` today: it applies there and no
    adaptation by an office above stands in for it (one query)."""
    if not type_applies(record_type, school) or not editions.started(
        record_type, timezone.localdate()
    ):
        return False
    return record_type in applicable_types(school)


def type_applies(record_type: RecordType, school: Unit) -> bool:
    if not record_type.is_active:
        return False
    if (
        record_type.owner_unit_id is not None
        and record_type.owner_unit_id not in school.ancestor_ids()
    ):
        return False
    levels = record_type.levels
    if (record_type.keeper == Keeper.OFFICE) != (school.kind in OFFICE_KINDS):
        return False  # office types are kept by offices only, and only office types
    if record_type.keeper == Keeper.OFFICE:
        return not levels or school.kind in levels
    return not levels or school.level in levels or school.level == "LIEN_CAP"


def homeroom_classes(actor: Any, record_type: RecordType | None = None) -> list[Unit]:
    """The classes the person is GVCN of this school year, in tree order (see
    `homeroom_class_ids`)."""
    class_ids = homeroom_class_ids(actor, record_type)
    return list(Unit.objects.filter(pk__in=class_ids).order_by("path", "pk"))


def homeroom_class_ids(actor: Any, record_type: RecordType | None = None) -> list[int]:
    """Ids of the classes the person is GVCN of this school year (as told by the registered
    homeroom keeper provider), at the schools where they teach and `record_type` is in force
    today (any of those schools when None): an edition an office above has replaced makes no
    new book, through the form or the API."""
    year = current_year()
    if year is None:
        return []
    schools = {g.school_id for g in grants_for(actor).items if g.role == Role.GV and g.school_id}
    class_ids: list[int] = []
    for school in Unit.objects.filter(pk__in=schools).order_by("path"):
        if record_type is not None and not type_in_force(record_type, school):
            continue
        owned = provided_owners(Keeper.HOMEROOM, school, year)
        class_ids += [unit_id for unit_id, owner in owned if owner == actor.pk]
    return class_ids
