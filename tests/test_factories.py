"""The small test worlds are built the way the product builds units, roles, staff,
certificates and records, without the demo."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEntry
from hoso.grading.models import Homeroom
from hoso.org.models import Role
from hoso.org.years import current_year
from hoso.policy.grants import grants_for
from hoso.signing.models import Certificate, CertKind
from tests.factories import (
    PASSWORD,
    RecordFactory,
    classes_world,
    province_world,
    reviewed_type,
    school_world,
    with_certificates,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def test_the_school_world_has_its_tree_its_year_and_one_person_per_role() -> None:
    world = school_world()
    school, to = world.units["school"], world.units["to"]
    assert to.path == f"{school.path}{to.pk}/"
    assert to.school_id == school.pk == school.school_id
    assert world.units["school"].path.startswith(world.units["phong"].path)
    assert current_year() == world.year
    teacher = world.people["giaovien"]
    assert teacher.check_password(PASSWORD)
    assert grants_for(teacher).schools({Role.GV}) == {school.pk}
    assert grants_for(world.people["totruong"]).roles() == {Role.GV, Role.TTCM}
    assert grants_for(world.people["chuyenvien"]).subtree_paths({Role.CV_PHONG}) == {
        world.units["phong"].path
    }


def test_two_worlds_live_side_by_side() -> None:
    first, second = school_world("a"), school_world("b")
    assert first.units["school"].pk != second.units["school"].pk
    assert first.year == second.year


def test_the_province_world_places_its_schools_and_people() -> None:
    world = province_world("pv")
    units, people = world.units, world.people
    assert units["thcs"].parent == units["phong"] and units["thcs"].level == "THCS"
    assert units["school2"].parent == units["phong2"] and units["phong2"].parent == units["so"]
    assert units["to45"].school_id == units["school"].pk
    assert grants_for(people["school2.giaovien"]).schools({Role.GV}) == {units["school2"].pk}
    assert grants_for(people["so"]).roles() == {Role.CV_SO}
    assert people["admin"].is_superuser and grants_for(people["admin"]).roles() == {Role.QTHT}
    assert len({person.first_name for person in people.values()}) == len(people)


def test_certificates_go_to_staff_rows_at_each_persons_post() -> None:
    world = with_certificates(school_world("ce"), ["giaovien", "hieutruong"])
    teacher, principal = world.people["giaovien"], world.people["hieutruong"]
    assert teacher.staff.unit == world.units["to"] and principal.staff.unit == world.units["school"]
    assert teacher.staff.email == "ce.giaovien@test.hoso.edu.vn"
    for person in (teacher, principal):
        assert Certificate.objects.get(owner=person, kind=CertKind.PERSONAL).status == "active"
    assert Certificate.objects.filter(unit=world.units["school"], kind=CertKind.SEAL).count() == 1
    assert not Certificate.objects.filter(owner=world.people["vanthu"]).exists()


def test_records_are_uploaded_submitted_and_approved_through_the_services() -> None:
    world = school_world("rf")
    teacher, leader = world.people["giaovien"], world.people["totruong"]
    draft = RecordFactory(owner=teacher, period_key="W03")
    assert (draft.state, draft.unit, draft.record_type.code) == (
        "draft",
        world.units["to"],
        "TT28.KHBD",
    )
    assert AuditEntry.objects.filter(
        action="records.version.uploaded", object_id=str(draft.versions.get().pk)
    ).exists()
    issued = RecordFactory(owner=teacher, record_type=reviewed_type(), approved_by=leader)
    assert issued.state == "issued" and issued.versions.get().issued_at is not None


def test_the_classes_world_names_a_gvcn_for_each_class() -> None:
    world = classes_world("cw")
    homerooms = Homeroom.objects.filter(school_class__school=world.units["school"])
    assert {(h.school_class.name, h.teacher) for h in homerooms} == {
        ("Lớp 1A", world.people["giaovien"]),
        ("Lớp 1B", world.people["giaovien2"]),
        ("Lớp 2A", world.people["giaovien3"]),
    }
    assert all(h.school_class.school_year == world.year for h in homerooms)
