"""The grading app tells the records app who the giáo viên chủ nhiệm (GVCN) of each class is,
so that homeroom-kept records (sổ chủ nhiệm) get due items for the right person. Registered
on import, from GradingConfig.ready(); records depends on nothing in grading. A change of GVCN
is announced by the service that makes it (services.assignments), removal included. It also
says who the GVCN of a record's class is, for chain steps performed by that GVCN, and who the
subject teachers of a class are, for the step performed by them (hoso.records.subjects)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from hoso.grading.models import Homeroom, TeachingAssignment
from hoso.org.models import SchoolYear, Unit
from hoso.records.homerooms import register_homeroom_lookups
from hoso.records.keepers import register_keeper_provider
from hoso.records.models import Keeper
from hoso.records.subjects import Taught, register_subject_lookups


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


def homeroom_teacher_of(class_id: int, school_year_id: int) -> int | None:
    """The GVCN of the class that year (a chain step "the GVCN of the record's class")."""
    rows = Homeroom.objects.filter(school_class_id=class_id, school_year_id=school_year_id)
    return rows.values_list("teacher_id", flat=True).first()


def homerooms_of(user_id: int) -> QuerySet[Homeroom]:
    """The person's homerooms (lazy), as `class_id` and `year_id` for the records' subquery."""
    rows = Homeroom.objects.filter(teacher_id=user_id)
    return rows.annotate(class_id=F("school_class_id"), year_id=F("school_year_id"))


register_homeroom_lookups(teacher_of=homeroom_teacher_of, homerooms_of=homerooms_of)


def taught_in(class_id: int, school_year_id: int) -> list[Taught]:
    """The class's subjects that year with their teachers, in the class's subject order."""
    from hoso.grading.catalogue import class_subjects

    rows = TeachingAssignment.objects.filter(
        school_class_id=class_id, school_year_id=school_year_id
    )
    teachers = dict(rows.values_list("subject_code", "teacher_id"))
    if not teachers:
        return []
    school_class = Unit.objects.select_related("school").get(pk=class_id)
    subjects = class_subjects(school_class) if school_class.grade else []
    names = {s.code: (s.order, s.name) for s in subjects}
    ordered = sorted(teachers, key=lambda code: (names.get(code, (999, code))[0], code))
    return [Taught(code, names.get(code, (0, code))[1], teachers[code]) for code in ordered]


def assignments_of(user_id: int) -> QuerySet[TeachingAssignment]:
    """The person's teaching assignments (lazy), as `class_id`, `year_id`, `subject`."""
    rows = TeachingAssignment.objects.filter(teacher_id=user_id)
    return rows.annotate(
        class_id=F("school_class_id"), year_id=F("school_year_id"), subject=F("subject_code")
    )


register_subject_lookups(taught_in=taught_in, assignments_of=assignments_of)
