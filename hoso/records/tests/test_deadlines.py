"""Due items: generated from the catalogue, fulfilled by submission, extended, reminded."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import SchoolYear, UnitKind
from hoso.records.models import DueItem, Notification, RecordType
from hoso.records.periods import VN, slots_for
from hoso.records.selectors import DueStatus, status_of
from hoso.records.services import workflow
from hoso.records.services.deadlines import due_item_extend, due_items_generate
from hoso.records.services.reminders import reminders_send
from hoso.records.tests.helpers import upload
from tests.factories import SchoolYearFactory, UnitFactory, World, due_items, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """The school (Tổ 1: giaovien, giaovien2 and the tổ trưởng; Tổ 4-5: giaovien45) with the
    due items of the year made as the nightly run makes them."""
    world = province_world("dl")
    due_items(world)
    return world


def _year() -> SchoolYear:
    return SchoolYearFactory()  # 2025-2026


def test_weekly_lesson_plans_are_due_every_monday_at_seven() -> None:
    khbd = RecordType.objects.get(code="TT28.KHBD")
    slots = slots_for(khbd.period, khbd.due_rule, _year())
    assert len(slots) == 39
    assert (slots[0].key, slots[0].label) == ("W01", "Tuần 1 (01/09–07/09/2025)")
    assert slots[1].due_at == dt.datetime(2025, 9, 8, 7, 0, tzinfo=VN)
    assert slots[-1].start == dt.date(2026, 5, 25)


def test_every_teacher_owes_every_week_and_generation_is_idempotent(world: World) -> None:
    teacher = world.people["giaovien2"]
    items = DueItem.objects.filter(owner=teacher, record_type__code="TT28.KHBD")
    assert items.count() == 39
    assert set(items.values_list("unit__name", flat=True)) == {"Tổ 1"}
    assert due_items_generate(school_year=_year(), schools=[world.units["school"]]) == 0
    groups = DueItem.objects.filter(
        record_type__code="TT28.SHTO", school=world.units["school"], period_key="2025-10"
    )
    assert sorted(groups.values_list("unit__name", flat=True)) == ["Tổ 1", "Tổ 4-5"]
    assert groups.get(unit__name="Tổ 1").owner == world.people["totruong"]
    assert not DueItem.objects.filter(record_type__optional=True).exists()


def test_submitting_fulfils_the_due_item(world: World) -> None:
    teacher = world.people["giaovien2"]
    version = upload(teacher, period="W17")
    workflow.record_submit(actor=teacher, record_id=version.record_id)
    item = DueItem.objects.get(owner=teacher, record_type__code="TT28.KHBD", period_key="W17")
    assert item.record_id == version.record_id
    assert item.submitted_at is not None
    assert (
        status_of(item, item.submitted_at) == DueStatus.LATE
    )  # due in January 2026, submitted now


def test_status_of_a_due_item_over_time() -> None:
    item = DueItem(
        due_at=dt.datetime(2025, 9, 8, 7, tzinfo=VN),
        effective_due_at=dt.datetime(2025, 9, 8, 7, tzinfo=VN),
    )
    at = lambda *a: dt.datetime(*a, tzinfo=VN)  # noqa: E731
    assert status_of(item, at(2025, 8, 20)) == DueStatus.NOT_YET_DUE
    assert status_of(item, at(2025, 9, 5)) == DueStatus.DUE
    assert status_of(item, at(2025, 9, 8, 8)) == DueStatus.MISSING
    item.submitted_at = at(2025, 9, 7, 20)
    assert status_of(item, at(2025, 9, 9)) == DueStatus.ON_TIME
    item.submitted_at = at(2025, 9, 8, 9)
    assert status_of(item, at(2025, 9, 9)) == DueStatus.LATE


def test_a_leader_extends_one_persons_deadline_with_a_reason(world: World) -> None:
    item = DueItem.objects.get(
        owner=world.people["giaovien2"], record_type__code="TT28.KHBD", period_key="W20"
    )
    until = item.due_at + dt.timedelta(days=3)
    with pytest.raises(NotAllowed):
        due_item_extend(actor=world.people["totruong"], item_id=item.pk, until=until, reason="Ốm")
    with pytest.raises(DomainError):
        due_item_extend(actor=world.people["hieutruong"], item_id=item.pk, until=until, reason=" ")
    item.refresh_from_db()
    assert item.effective_due_at == item.due_at
    due_item_extend(
        actor=world.people["hieutruong"], item_id=item.pk, until=until, reason="Nghỉ ốm 3 ngày"
    )
    item.refresh_from_db()
    assert (item.effective_due_at, item.extension_reason) == (until, "Nghỉ ốm 3 ngày")
    others = DueItem.objects.filter(record_type__code="TT28.KHBD", period_key="W20").exclude(
        pk=item.pk
    )
    assert all(o.effective_due_at == o.due_at for o in others)


def test_reminders_before_on_and_after_are_sent_once(world: World) -> None:
    due = dt.datetime(2026, 1, 12, 7, tzinfo=VN)  # W20
    # the world's school (the database may hold other schools: the demo's, when loaded)
    owed = DueItem.objects.filter(
        effective_due_at=due,
        submitted_at__isnull=True,
        owner__isnull=False,
        school=world.units["school"],
    )
    owners = set(owed.values_list("owner_id", flat=True))
    teachers = ("giaovien", "giaovien2", "totruong", "giaovien45")
    assert owners == {world.people[key].pk for key in teachers}  # each owes a lesson plan
    notes = Notification.objects.filter(title__startswith="Sắp đến hạn nộp", user__in=owners)
    before = notes.count()
    reminders_send(now=due - dt.timedelta(days=1))
    assert owed.filter(reminded_before_at__isnull=True).count() == 0
    assert owed.filter(reminded_on_at__isnull=False).count() == 0
    assert notes.count() - before == len(owners)
    assert reminders_send(now=due - dt.timedelta(days=1)) == 0  # idempotent
    reminders_send(now=due - dt.timedelta(hours=2))  # on the day
    assert owed.filter(reminded_on_at__isnull=True).count() == 0
    reminders_send(now=due + dt.timedelta(days=1))  # after
    assert owed.filter(reminded_after_at__isnull=True).count() == 0
    assert reminders_send(now=due + dt.timedelta(days=1)) == 0


def test_the_page_lists_this_weeks_due_items_with_an_upload_button(world: World) -> None:
    page = login(world.people["giaovien"]).get("/ho-so/").content.decode()
    assert "Cần nộp tuần này" in page
    assert 'name="file"' in page


def test_groups_with_no_leader_still_owe(world: World) -> None:
    # Given a Tổ of the THCS school without a tổ trưởng, and the school's due items
    thcs = world.units["thcs"]
    unit = UnitFactory(code="dl-THCS-TOAN", name="Tổ Toán", kind=UnitKind.TO, parent=thcs)
    due_items_generate(school_year=_year(), schools=[thcs])
    assert (
        DueItem.objects.filter(unit=unit, record_type__code="TT32.SHCM", owner__isnull=True).count()
        == 9
    )
