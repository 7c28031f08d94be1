"""Holds placed by patrons themselves from the catalogue: a teacher for themselves, a parent for
a child; withdrawn from "Sách đang mượn"; the same through the API. Each test builds its own
school with the factories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.families.tests.factories import consented
from hoso.grading.models import Guardian
from hoso.library.models import CopyStatus, Hold, HoldStatus, Loan
from hoso.library.services import circulation
from hoso.library.tests.factories import BibRecordFactory, CopyFactory
from hoso.org.models import Staff, Student
from tests.factories import UserFactory, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def library(settings: Any) -> dict[str, Any]:
    settings.DEMO_MODE = True
    world = school_world("lib")
    school = world.units["school"]
    teacher = world.people["giaovien"]
    Staff.objects.create(
        code="GVLIB1", full_name="Trần Văn Bình", gender="M", unit=school, user=teacher
    )
    parent = UserFactory(username="lib.phuhuynh")
    children = [
        Student.objects.create(
            code=f"HSLIB{n}",
            full_name=name,
            gender="F",
            birth_date=dt.date(2017, 3, n),
            school=school,
        )
        for n, name in ((1, "Lê Thị An"), (2, "Lê Văn Bảo"))
    ]
    Guardian.objects.create(user=parent, student=children[0])
    consented(parent, children[0])  # a parent sees a child's loans only with consent
    on_shelf = CopyFactory(record=BibRecordFactory(school=school, title="Dế Mèn phiêu lưu ký"))
    lent = CopyFactory(record=BibRecordFactory(school=school, title="Tuổi thơ dữ dội"))
    lent.status = CopyStatus.ON_LOAN
    lent.save(update_fields=["status"])
    return {
        "world": world,
        "school": school,
        "teacher": teacher,
        "parent": parent,
        "children": children,
        "on_shelf": on_shelf.record,
        "lent": lent.record,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_catalogue_offers_a_hold_to_a_teacher_and_places_it(library):
    client = _client(library["teacher"])
    opac = reverse("library:opac", kwargs={"pk": library["school"].pk})
    page = client.get(opac, {"q": "tuoi tho"})
    assert page.status_code == 200
    assert 'data-testid="hold-request"' in page.content.decode()
    answer = client.post(
        reverse("library:hold-request", kwargs={"pk": library["lent"].pk}), {"next": opac}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("library:my-loans")
    hold = Hold.objects.get(record=library["lent"])
    assert hold.staff.user == library["teacher"] and hold.status == HoldStatus.WAITING
    assert AuditEntry.objects.filter(
        action="library.hold.requested", object_id=str(hold.pk)
    ).exists()
    mine = client.get(reverse("library:my-loans")).content.decode()
    assert "Tuổi thơ dữ dội" in mine and "Đang chờ" in mine


def test_a_title_on_the_shelf_is_kept_aside_at_once(library):
    hold = circulation.hold_request(actor=library["teacher"], record=library["on_shelf"])
    assert hold.status == HoldStatus.READY


def test_a_parent_holds_for_the_child_and_must_choose_between_two(library):
    parent = library["parent"]
    hold = circulation.hold_request(actor=parent, record=library["lent"])
    assert hold.student == library["children"][0]
    Guardian.objects.create(user=parent, student=library["children"][1])
    consented(parent, library["children"][1])
    client = _client(parent)
    answer = client.post(
        reverse("library:hold-request", kwargs={"pk": library["on_shelf"].pk}), follow=True
    )
    assert "Hãy chọn đặt trước cho ai." in answer.content.decode()
    assert not Hold.objects.filter(record=library["on_shelf"]).exists()
    second = library["children"][1]
    client.post(
        reverse("library:hold-request", kwargs={"pk": library["on_shelf"].pk}),
        {"patron": f"hs{second.pk}"},
    )
    assert Hold.objects.get(record=library["on_shelf"]).student == second


def test_limits_twice_the_same_title_and_a_title_already_borrowed(library):
    teacher, school = library["teacher"], library["school"]
    circulation.hold_request(actor=teacher, record=library["lent"])
    with pytest.raises(circulation.Conflict, match="đã đặt trước sách này"):
        circulation.hold_request(actor=teacher, record=library["lent"])
    staff = Staff.objects.get(user=teacher)
    borrowed = CopyFactory(record=BibRecordFactory(school=school, title="Kính vạn hoa"))
    Loan.objects.create(
        copy=borrowed,
        school=school,
        staff=staff,
        issued_at=timezone.now(),
        due_on=timezone.localdate() + dt.timedelta(days=7),
        issued_by=teacher,
    )
    with pytest.raises(circulation.Conflict, match="đang mượn sách này"):
        circulation.hold_request(actor=teacher, record=borrowed.record)
    for _ in range(circulation.MAX_OWN_HOLDS - 1):
        circulation.hold_request(
            actor=teacher, record=CopyFactory(record=BibRecordFactory(school=school)).record
        )
    extra = CopyFactory(record=BibRecordFactory(school=school)).record
    with pytest.raises(circulation.Conflict, match="hãy nhận hoặc hủy bớt"):
        circulation.hold_request(actor=teacher, record=extra)
    assert not Hold.objects.filter(record=extra).exists()
    assert Hold.objects.filter(staff=staff).count() == circulation.MAX_OWN_HOLDS


def test_withdrawing_a_ready_hold_passes_the_copy_to_the_next_patron(library):
    teacher, parent, record = library["teacher"], library["parent"], library["on_shelf"]
    first = circulation.hold_request(actor=teacher, record=record)
    second = circulation.hold_request(actor=parent, record=record)
    second.status = HoldStatus.WAITING  # the one copy is kept for the teacher
    second.save(update_fields=["status"])
    client = _client(teacher)
    client.post(reverse("library:hold-withdraw", kwargs={"pk": first.pk}))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.CANCELLED and second.status == HoldStatus.READY
    again = client.post(reverse("library:hold-withdraw", kwargs={"pk": first.pk}), follow=True)
    assert "Lượt đặt trước này đã kết thúc." in again.content.decode()


def test_another_schools_teacher_and_a_stranger_get_404_and_nothing_is_written(library):
    other = school_world("lib2")
    outsider = other.people["giaovien"]
    Staff.objects.create(
        code="GVLIB2",
        full_name="Ngô Thị Hoa",
        gender="F",
        unit=other.units["school"],
        user=outsider,
    )
    hold = circulation.hold_request(actor=library["teacher"], record=library["lent"])
    clients = [_client(user) for user in (outsider, UserFactory(username="lib.nguoila"))]
    before = (Hold.objects.count(), AuditEntry.objects.count())
    for client in clients:
        place = reverse("library:hold-request", kwargs={"pk": library["on_shelf"].pk})
        assert client.post(place).status_code == 404
        withdraw = reverse("library:hold-withdraw", kwargs={"pk": hold.pk})
        assert client.post(withdraw).status_code == 404
        assert client.get(reverse("api-library-my-hold", kwargs={"pk": hold.pk})).status_code == 404
    assert (Hold.objects.count(), AuditEntry.objects.count()) == before
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING


def test_the_api_lists_places_and_withdraws_own_holds(library):
    client = _client(library["parent"])
    url = reverse("api-library-my-holds")
    made = client.post(url, {"record": library["lent"].pk}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["student"] == library["children"][0].pk
    assert [h["id"] for h in client.get(url).json()["results"]] == [made.json()["id"]]
    again = client.post(url, {"record": library["lent"].pk}, content_type="application/json")
    assert again.status_code == 409 and "đã đặt trước" in again.json()["message"]
    gone = client.delete(reverse("api-library-my-hold", kwargs={"pk": made.json()["id"]}))
    assert gone.status_code == 200 and gone.json()["status"] == HoldStatus.CANCELLED
    assert _client(library["teacher"]).get(url).json()["results"] == []


def test_the_home_page_tells_a_patron_of_a_ready_hold_and_of_books_to_return(library):
    from hoso.core.home import tasks_for

    circulation.hold_request(actor=library["teacher"], record=library["on_shelf"])
    child, school = library["children"][0], library["school"]
    for days in (-2, 1):  # one overdue, one due tomorrow
        Loan.objects.create(
            copy=CopyFactory(record=BibRecordFactory(school=school)),
            school=school,
            student=child,
            issued_at=timezone.now(),
            due_on=timezone.localdate() + dt.timedelta(days=days),
            issued_by=library["teacher"],
        )
    teacher = {t.title: t for t in tasks_for(library["teacher"])}
    assert teacher["Sách đặt trước đã có"].count == 1
    assert "Trả sách thư viện" not in teacher
    parent = {t.title: t for t in tasks_for(library["parent"])}
    returning = parent["Trả sách thư viện"]
    assert (returning.count, returning.urgent) == (2, True)
    assert returning.detail == "1 sách quá hạn, 1 sách đến hạn trong 3 ngày tới."
