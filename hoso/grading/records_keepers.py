"""The grading app tells the records app who the giáo viên chủ nhiệm (GVCN) of each class is,
so that homeroom-kept records (sổ chủ nhiệm) get due items for the right person. Registered
on import, from GradingConfig.ready(); records depends on nothing in grading. A change of GVCN
is announced by the service that makes it (services.assignments), removal included."""

from __future__ import annotations

from hoso.grading.models import Homeroom
from hoso.org.models import SchoolYear, Unit
from hoso.records.keepers import register_keeper_provider
from hoso.records.models import Keeper


def homeroom_owners(school: Unit, year: SchoolYear) -> list[tuple[int, int | None]]:
    """(class, GVCN) for every active class of `school` that has a GVCN in `year`."""
    rows = (
        Homeroom.objects.filter(
            school_year=year, school_class__school=school, school_class__is_active=True
        )
        .order_by("school_class__path", "school_class_id")
        .values_list("school_class_id", "teacher_id")
    )
    return [(class_id, teacher_id) for class_id, teacher_id in rows]


register_keeper_provider(Keeper.HOMEROOM, homeroom_owners)
