"""Homeroom books (sổ chủ nhiệm): due items for each class's GVCN, who the grading app names
through the keeper provider registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hoso.core.errors import NotAllowed
from hoso.grading.models import Homeroom
from hoso.grading.selectors import HOMEROOM
from hoso.grading.services.assignments import AssignmentChange, assignments_assign
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.records.models import DueItem, Record
from hoso.records.periods import VN
from hoso.records.selectors import types_for_upload
from hoso.records.services import workflow
from hoso.records.services.deadlines import due_items_generate
from hoso.records.tests.helpers import upload
from tests.factories import World, classes_world, due_items

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose classes 1A, 1B and 2A have their GVCN, with the due items of the
    year generated; its tổ trưởng keeps no class."""
    world = classes_world("hr")
    due_items(world)
    return world


def _year() -> SchoolYear:
    return SchoolYear.objects.get(name="2025-2026")


def _classes(world: World) -> Any:
    return Unit.objects.filter(school=world.units["school"], kind=UnitKind.LOP)


def _first_homeroom(world: World) -> Homeroom:
    return Homeroom.objects.filter(school_class__school=world.units["school"]).order_by("pk")[0]


def name_gvcn(principal: Any, school_class: Unit, teacher: Any | None) -> None:
    """The principal names (or, with None, removes) the GVCN through the assignment service."""
    change = AssignmentChange(school_class.pk, HOMEROOM, teacher.pk if teacher else None)
    assert assignments_assign(actor=principal, school=school_class.school, changes=[change]) == 1


def test_every_class_owes_its_homeroom_book_from_its_gvcn(world: World) -> None:
    school = world.units["school"]
    homerooms = Homeroom.objects.filter(school_class__school=school, school_year=_year())
    assert homerooms.count() == _classes(world).count() == 3
    expected = {(h.school_class_id, h.teacher_id, key) for h in homerooms for key in ("HK1", "HK2")}
    items = DueItem.objects.filter(record_type__code="TT28.SCN", school=school)
    assert set(items.values_list("unit_id", "owner_id", "period_key")) == expected
    assert items.count() == len(expected)
    assert due_items_generate(school_year=_year(), schools=[school]) == 0


def test_a_new_gvcn_gets_due_items_at_the_next_generation(world: World) -> None:
    school_class = _classes(world).order_by("pk")[0]
    Homeroom.objects.filter(school_class=school_class).delete()
    DueItem.objects.filter(record_type__code="TT28.SCN", unit=school_class).delete()
    teacher = world.people["totruong"]
    Homeroom.objects.create(teacher=teacher, school_class=school_class, school_year=_year())

    assert due_items_generate(school_year=_year(), schools=[school_class.school]) == 2

    items = DueItem.objects.filter(record_type__code="TT28.SCN", unit=school_class)
    assert set(items.values_list("owner_id", "period_key")) == {
        (teacher.pk, "HK1"),
        (teacher.pk, "HK2"),
    }


def test_the_gvcn_uploads_and_submits_the_book_of_their_own_class(world: World) -> None:
    homeroom = _first_homeroom(world)
    teacher = homeroom.teacher
    assert "TT28.SCN" in {t.code for t in types_for_upload(teacher)}

    version = upload(teacher, code="TT28.SCN", period="HK1", name="so-chu-nhiem.pdf")
    workflow.record_submit(actor=teacher, record_id=version.record_id)

    record = Record.objects.get(pk=version.record_id)
    assert record.unit_id == homeroom.school_class_id
    done = DueItem.objects.filter(record_type__code="TT28.SCN", submitted_at__isnull=False)
    assert list(done.values_list("unit_id", "owner_id", "period_key")) == [
        (homeroom.school_class_id, teacher.pk, "HK1")
    ]


def test_a_teacher_who_is_no_gvcn_cannot_keep_a_homeroom_book(world: World) -> None:
    teacher = world.people["totruong"]
    assert not Homeroom.objects.filter(teacher=teacher).exists()
    assert "TT28.SCN" not in {t.code for t in types_for_upload(teacher)}
    before = Record.objects.count()

    with pytest.raises(NotAllowed, match="không chủ nhiệm lớp nào"):
        upload(teacher, code="TT28.SCN", period="HK1")

    assert Record.objects.count() == before


def test_naming_a_gvcn_makes_their_due_items_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    school_class = _classes(world).order_by("-pk")[0]
    Homeroom.objects.filter(school_class=school_class).delete()
    DueItem.objects.filter(record_type__code="TT28.SCN", unit=school_class).delete()
    teacher = world.people["totruong"]

    with django_capture_on_commit_callbacks(execute=True):
        name_gvcn(world.people["hieutruong"], school_class, teacher)

    items = DueItem.objects.filter(record_type__code="TT28.SCN", unit=school_class)
    assert sorted(items.values_list("owner_id", "period_key")) == [
        (teacher.pk, "HK1"),
        (teacher.pk, "HK2"),
    ]


def test_a_new_gvcn_takes_over_the_open_items_and_submitted_ones_stay(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    homeroom = _first_homeroom(world)
    old, new = homeroom.teacher, world.people["totruong"]
    items = DueItem.objects.filter(record_type__code="TT28.SCN", unit=homeroom.school_class)
    items.filter(period_key="HK1").update(submitted_at=dt.datetime(2026, 1, 20, 9, tzinfo=VN))

    with django_capture_on_commit_callbacks(execute=True):
        name_gvcn(world.people["hieutruong"], homeroom.school_class, new)

    assert set(items.values_list("owner_id", "period_key")) == {(old.pk, "HK1"), (new.pk, "HK2")}
    assert items.count() == 2


def test_removing_a_gvcn_releases_the_open_items_and_keeps_the_submitted_ones(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    homeroom = _first_homeroom(world)
    old, school_class = homeroom.teacher, homeroom.school_class
    items = DueItem.objects.filter(record_type__code="TT28.SCN", unit=school_class)
    items.filter(period_key="HK1").update(submitted_at=dt.datetime(2026, 1, 20, 9, tzinfo=VN))

    with django_capture_on_commit_callbacks(execute=True):
        name_gvcn(world.people["hieutruong"], school_class, None)

    assert not Homeroom.objects.filter(school_class=school_class).exists()
    assert list(items.values_list("owner_id", "period_key")) == [(old.pk, "HK1")]
    assert due_items_generate(school_year=_year(), schools=[school_class.school]) == 0

    with django_capture_on_commit_callbacks(execute=True):
        name_gvcn(world.people["hieutruong"], school_class, world.people["totruong"])

    new = world.people["totruong"]
    assert set(items.values_list("owner_id", "period_key")) == {(old.pk, "HK1"), (new.pk, "HK2")}
