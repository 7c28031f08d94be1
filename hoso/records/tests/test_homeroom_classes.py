"""A GVCN of several classes keeps one homeroom book (sổ chủ nhiệm) per class: the upload (page
and API) names the class, each class's due item is fulfilled by its own book; a GVCN of one
class never has to choose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.grading.models import Homeroom
from hoso.grading.selectors import HOMEROOM
from hoso.grading.services.assignments import AssignmentChange, assignments_assign
from hoso.org.models import SchoolYear, Unit
from hoso.records.models import DueItem, Record, RecordVersion
from hoso.records.selectors import DueStatus, reference_time, status_of
from hoso.records.tests.helpers import pdf
from tests.factories import World, api_login, classes_world, due_items, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

SCN = "TT28.SCN"
CHOOSE = "Thầy/cô chủ nhiệm nhiều lớp (Lớp 1A, Lớp 1B): hãy chọn lớp cho sổ chủ nhiệm."
NOT_YOURS = "Bạn không chủ nhiệm lớp này nên không lập “Sổ chủ nhiệm” cho lớp đó."


@dataclass
class TwoClasses:
    teacher: Any
    first: Unit  # Lớp 1A
    second: Unit  # Lớp 1B
    other: Unit  # a class of the same school with another GVCN


def _year() -> SchoolYear:
    return SchoolYear.objects.get(name="2025-2026")


@pytest.fixture
def world() -> World:
    """A primary school whose classes 1A, 1B and 2A have their GVCN (giaovien, giaovien2,
    giaovien3), with the due items of the year generated."""
    world = classes_world("hc")
    due_items(world)
    return world


def _class(world: World, name: str) -> Unit:
    return Unit.objects.get(school=world.units["school"], name=name)


@pytest.fixture
def two_classes(world: World, django_capture_on_commit_callbacks: Any) -> TwoClasses:
    """giaovien is GVCN of 1A and becomes GVCN of 1B too; 1B's open homeroom due items move to
    them after commit, as when a principal names a GVCN."""
    teacher = world.people["giaovien"]
    first, second, other = (_class(world, n) for n in ("Lớp 1A", "Lớp 1B", "Lớp 2A"))
    assert Homeroom.objects.get(school_class=first, school_year=_year()).teacher == teacher
    homeroom = Homeroom.objects.get(school_class=second, school_year=_year())
    assert homeroom.teacher != teacher
    assert Homeroom.objects.get(school_class=other, school_year=_year()).teacher != teacher
    change = AssignmentChange(second.pk, HOMEROOM, teacher.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assignments_assign(actor=world.people["hieutruong"], school=second.school, changes=[change])
    return TwoClasses(teacher, first, second, other)


def _items(teacher: Any, period: str = "HK1") -> dict[int, DueItem]:
    items = DueItem.objects.filter(record_type__code=SCN, owner=teacher, period_key=period)
    return {item.unit_id: item for item in items}


def _file(name: str = "so-chu-nhiem.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf("Sổ chủ nhiệm"), content_type="application/pdf")


def _counts() -> tuple[int, int, int]:
    return Record.objects.count(), RecordVersion.objects.count(), AuditEntry.objects.count()


def _post_page(client: Any, **fields: Any) -> Any:
    data = {"record_type": SCN, "period": "HK1", "file": _file(), **fields}
    return client.post("/ho-so/tai-len/", data)


def test_both_classes_owe_their_own_book_from_the_same_gvcn(two_classes: TwoClasses) -> None:
    items = _items(two_classes.teacher)
    assert set(items) == {two_classes.first.pk, two_classes.second.pk}
    assert all(item.submitted_at is None for item in items.values())


def test_a_gvcn_of_two_classes_uploads_each_book_on_the_page_and_each_item_is_resolved(
    two_classes: TwoClasses,
) -> None:
    # Given 1A's book due in three days (submitted on time) and 1B's long past (late)
    teacher, first, second = two_classes.teacher, two_classes.first, two_classes.second
    now = timezone.now()
    DueItem.objects.filter(pk=_items(teacher)[first.pk].pk).update(
        effective_due_at=now + dt.timedelta(days=3)
    )
    DueItem.objects.filter(pk=_items(teacher)[second.pk].pk).update(
        effective_due_at=now - dt.timedelta(days=30)
    )
    client = login(teacher)

    # The form offers both classes, the one in the address chosen
    form = client.get(f"/ho-so/tai-len/?loai={SCN}&ky=HK1&lop={second.pk}").content.decode()
    assert '<select name="unit"' in form
    assert f'<option value="{first.pk}">Lớp 1A</option>' in form
    assert f'<option value="{second.pk}" selected>Lớp 1B</option>' in form

    # When they upload for 1A, submit; then for 1B, submit
    for school_class in (first, second):
        response = _post_page(client, unit=str(school_class.pk))
        assert response.status_code == 302
        record = Record.objects.get(record_type__code=SCN, owner=teacher, unit=school_class)
        assert response["Location"] == f"/ho-so/{record.pk}/"
        assert record.title == f"Sổ chủ nhiệm — Học kỳ I — {school_class.name}"
        assert client.post(f"/ho-so/{record.pk}/trinh/").status_code == 302
        record.refresh_from_db()
        assert record.state == "submitted"

    # Then each class's item is fulfilled by its own book: 1A on time, 1B late; HK2 still open
    items = _items(teacher)
    books = dict(
        Record.objects.filter(record_type__code=SCN, owner=teacher).values_list("unit_id", "pk")
    )
    assert {unit_id: item.record_id for unit_id, item in items.items()} == books
    assert status_of(items[first.pk], now) == DueStatus.ON_TIME
    assert status_of(items[second.pk], now) == DueStatus.LATE
    assert all(item.submitted_at is None for item in _items(teacher, "HK2").values())


def test_a_gvcn_of_two_classes_uploads_each_book_through_the_api(two_classes: TwoClasses) -> None:
    teacher, first, second = two_classes.teacher, two_classes.first, two_classes.second
    api = api_login(teacher)
    created = {}
    for school_class in (second, first):
        response = api.post(
            "/api/v1/records/",
            {"file": _file(), "record_type": SCN, "period": "HK1", "unit": school_class.pk},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["unit"] == school_class.pk
        created[school_class.pk] = response.json()["id"]

    assert api.post(f"/api/v1/records/{created[second.pk]}/submit/").status_code == 200
    items = _items(teacher)
    assert items[second.pk].record_id == created[second.pk]
    assert items[first.pk].submitted_at is None  # 1B's book does not fulfil 1A's item

    assert api.post(f"/api/v1/records/{created[first.pk]}/submit/").status_code == 200
    items = _items(teacher)
    assert {unit_id: item.record_id for unit_id, item in items.items()} == created


def test_without_a_class_a_gvcn_of_two_is_asked_to_choose_and_nothing_is_written(
    two_classes: TwoClasses,
) -> None:
    client, api_client = login(two_classes.teacher), api_login(two_classes.teacher)
    before = _counts()

    page = _post_page(client)
    api = api_client.post(
        "/api/v1/records/",
        {"file": _file(), "record_type": SCN, "period": "HK1"},
        format="multipart",
    )

    assert page.status_code == 400
    assert CHOOSE in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {
        "code": "invalid",
        "message": CHOOSE,
        "fields": {"unit": ["Hãy chọn lớp."]},
    }
    assert _counts() == before


def test_a_class_the_person_is_not_gvcn_of_is_refused_and_nothing_is_written(
    two_classes: TwoClasses,
) -> None:
    client, api_client = login(two_classes.teacher), api_login(two_classes.teacher)
    before = _counts()
    other = two_classes.other

    page = _post_page(client, unit=str(other.pk))
    api = api_client.post(
        "/api/v1/records/",
        {"file": _file(), "record_type": SCN, "period": "HK1", "unit": other.pk},
        format="multipart",
    )
    school = api_client.post(
        "/api/v1/records/",
        {"file": _file(), "record_type": SCN, "period": "HK1", "unit": other.school_id},
        format="multipart",
    )

    assert page.status_code == 400
    assert NOT_YOURS in page.content.decode()
    assert (api.status_code, api.json()["code"], api.json()["message"]) == (
        403,
        "not_allowed",
        NOT_YOURS,
    )
    assert (school.status_code, school.json()["message"]) == (403, NOT_YOURS)
    assert _counts() == before
    assert not DueItem.objects.filter(record_type__code=SCN, submitted_at__isnull=False).exists()


def test_my_records_offers_each_class_its_own_upload(two_classes: TwoClasses) -> None:
    # Given both HK1 books due tomorrow (inside "this week")
    teacher, first, second = two_classes.teacher, two_classes.first, two_classes.second
    items = _items(teacher)
    due = reference_time() + dt.timedelta(days=1)
    DueItem.objects.filter(pk__in=[i.pk for i in items.values()]).update(effective_due_at=due)
    client = login(teacher)

    page = client.get("/ho-so/").content.decode()

    for school_class in (first, second):
        assert f"<strong>Sổ chủ nhiệm</strong> {school_class.name} — Học kỳ I" in page
        assert f'<input type="hidden" name="unit" value="{school_class.pk}">' in page
        assert f"?loai={SCN}&amp;ky=HK1&amp;lop={school_class.pk}" in page
    # When the 1B form is sent (its hidden fields and a file), the book is 1B's
    response = _post_page(client, unit=str(second.pk))
    assert response.status_code == 302
    record = Record.objects.get(record_type__code=SCN, owner=teacher)
    assert (record.unit_id, record.period_key) == (second.pk, "HK1")


def test_a_gvcn_of_one_class_uploads_without_choosing(world: World) -> None:
    teacher = world.people["giaovien2"]
    own = Homeroom.objects.get(teacher=teacher, school_year=_year()).school_class
    client = login(teacher)

    form = client.get(f"/ho-so/tai-len/?loai={SCN}").content.decode()
    page = _post_page(client)
    api = api_login(teacher).post(
        "/api/v1/records/",
        {"file": _file(), "record_type": SCN, "period": "HK2"},
        format="multipart",
    )

    assert 'name="unit"' not in form
    assert page.status_code == 302
    assert api.status_code == 201, api.json()
    books = Record.objects.filter(record_type__code=SCN, owner=teacher)
    assert sorted(books.values_list("unit_id", "period_key")) == [
        (own.pk, "HK1"),
        (own.pk, "HK2"),
    ]
