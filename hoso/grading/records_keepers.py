"""The grading app tells the records app who the giáo viên chủ nhiệm (GVCN) of each class is,
so that homeroom-kept records (sổ chủ nhiệm) get due items for the right person. Registered
on import, from GradingConfig.ready(); records depends on nothing in grading."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from hoso.grading.models import Homeroom
from hoso.org.models import SchoolYear, Unit
from hoso.records.keepers import register_keeper_provider
from hoso.records.models import Keeper
from hoso.records.scheduling import later


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


def homeroom_saved(sender: Any, instance: Homeroom, **kwargs: Any) -> None:
    """A class got its (new) GVCN: after commit, its open homeroom due items move to them and
    the missing ones are made (not only at the nightly generation)."""
    from hoso.records.tasks import keeper_changed

    later(
        keeper_changed,
        instance.school_class_id,
        instance.school_year_id,
        str(Keeper.HOMEROOM),
        instance.teacher_id,
    )


register_keeper_provider(Keeper.HOMEROOM, homeroom_owners)
post_save.connect(homeroom_saved, sender=Homeroom, dispatch_uid="records.homeroom_due_items")
