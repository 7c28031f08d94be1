"""Circulation: scan a card and a book, return, renew, quotas, holds, class loans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoso.core.errors import Conflict, NotAllowed, NotFound
from hoso.library import selectors
from hoso.library.models import (
    BibRecord,
    Copy,
    CopyStatus,
    Hold,
    Holiday,
    ItemKind,
    Loan,
    LoanRule,
    PatronKind,
)
from hoso.library.services import circulation
from hoso.library.tests.factories import BibRecordFactory, CopyFactory, library_world
from hoso.org.models import Enrolment, Staff, Student, Unit
from hoso.org.tests.factories import school_class, students
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """th1's library with the grade-1 textbooks (six copies each) for Lớp 1B's four pupils, and a
    pupil and a copy of th2."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = library_world()
    th1, th2 = world.units["th1"], world.units["th2"]
    students(school_class(th1, "1B", 1, code="LB-TH1-1B"), 4)
    students(school_class(th2, "1A", 1, code="LB-TH2-1A"), 1)
    CopyFactory(record=BibRecordFactory(school=th2))
    for title in ("Tiếng Việt 1 - Tập 1", "Toán 1"):
        textbook = BibRecordFactory(school=th1, kind=ItemKind.SGK, grade=1, title=title)
        for _ in range(6):
            CopyFactory(record=textbook)
    return world


def _copy(world):
    return CopyFactory(record=BibRecordFactory(school=world.units["th1"]))


def _student(world, key: str = "th1") -> Student:
    """An active pupil of the school with no open loan."""
    busy = Loan.objects.filter(returned_at__isnull=True, student__isnull=False).values("student_id")
    school = world.units[key]
    return Student.objects.filter(school=school, is_active=True).exclude(pk__in=busy).first()


def test_loan_and_return_by_scanning_two_barcodes(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    pupil = _student(world)
    copy = _copy(world)
    loan = circulation.loan_checkout(
        actor=librarian, school=th1, patron_code=pupil.code, barcode=copy.barcode.lower()
    )
    copy.refresh_from_db()
    assert copy.status == CopyStatus.ON_LOAN
    assert loan.student == pupil
    rule = circulation.loan_rule(th1, PatronKind.STUDENT, ItemKind.STK)
    assert rule.days == 7  # a primary school's default (docs/sources/library.md §4)
    assert loan.due_on >= timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(Conflict, match="đang cho mượn"):
        circulation.loan_checkout(
            actor=librarian, school=th1, patron_code=pupil.code, barcode=copy.barcode
        )
    returned = circulation.loan_return(actor=librarian, school=th1, barcode=copy.barcode)
    copy.refresh_from_db()
    assert returned.returned_at is not None
    assert copy.status == CopyStatus.AVAILABLE


def test_a_pupil_who_left_is_refused(world) -> None:
    pupil = _student(world)
    Student.objects.filter(pk=pupil.pk).update(is_active=False)
    copy = _copy(world)
    with pytest.raises(Conflict, match="đã rời trường"):
        circulation.loan_checkout(
            actor=world.people["th1.thuthu"],
            school=world.units["th1"],
            patron_code=pupil.code,
            barcode=copy.barcode,
        )
    assert not Loan.objects.filter(copy=copy).exists()


def test_another_schools_pupil_or_book_is_not_found(world) -> None:
    librarian = world.people["th1.thuthu"]
    other_pupil = _student(world, "th2")
    with pytest.raises(NotFound, match="Không có bạn đọc"):
        circulation.loan_checkout(
            actor=librarian,
            school=world.units["th1"],
            patron_code=other_pupil.code,
            barcode=_copy(world).barcode,
        )
    th2_copy = Copy.objects.filter(school=world.units["th2"]).first()
    with pytest.raises(NotFound, match="Không có bản sách"):
        circulation.loan_checkout(
            actor=librarian,
            school=world.units["th1"],
            patron_code=_student(world).code,
            barcode=th2_copy.barcode,
        )
    with pytest.raises(NotAllowed):
        circulation.loan_return(
            actor=librarian, school=world.units["th2"], barcode=th2_copy.barcode
        )


def test_quota_of_the_loan_rule(world) -> None:
    th1 = world.units["th1"]
    LoanRule.objects.create(
        school=th1, patron_kind="HS", item_kind="STK", max_items=1, days=10, renewals=0
    )
    librarian = world.people["th1.thuthu"]
    pupil = _student(world)
    circulation.loan_checkout(
        actor=librarian, school=th1, patron_code=pupil.code, barcode=_copy(world).barcode
    )
    second = _copy(world)
    with pytest.raises(Conflict, match="đã mượn đủ 1 bản"):
        circulation.loan_checkout(
            actor=librarian, school=th1, patron_code=pupil.code, barcode=second.barcode
        )
    assert Copy.objects.get(pk=second.pk).status == CopyStatus.AVAILABLE


def test_due_date_skips_sundays_and_the_schools_holidays(world) -> None:
    th1 = world.units["th1"]
    start = dt.date(2025, 10, 1)  # a Wednesday; +7 days = Wednesday 8/10
    rule = circulation.Rule(2, 7, 1)
    assert circulation.due_date(th1, rule, start) == dt.date(2025, 10, 8)
    Holiday.objects.create(school=th1, day=dt.date(2025, 10, 8), name="Nghỉ")
    Holiday.objects.create(school=th1, day=dt.date(2025, 10, 9), name="Nghỉ")
    assert circulation.due_date(th1, rule, start) == dt.date(2025, 10, 10)
    assert circulation.open_day(th1, dt.date(2025, 10, 12)) == dt.date(2025, 10, 13)  # Sunday


def test_renewal_limit_and_holds(world) -> None:
    th1 = world.units["th1"]
    librarian = world.people["th1.thuthu"]
    copy = _copy(world)
    loan = circulation.loan_checkout(
        actor=librarian, school=th1, patron_code=_student(world).code, barcode=copy.barcode
    )
    first_due = loan.due_on
    loan = circulation.loan_renew(actor=librarian, loan=loan)
    assert loan.due_on > first_due and loan.renewals == 1
    with pytest.raises(Conflict, match="tối đa 1 lần"):
        circulation.loan_renew(actor=librarian, loan=loan)
    teacher = Staff.objects.get(user=world.people["th1.giaovien2"])
    hold = circulation.hold_place(actor=librarian, record=copy.record, patron_code=teacher.code)
    assert hold.status == "waiting"
    circulation.loan_return(actor=librarian, school=th1, barcode=copy.barcode)
    hold.refresh_from_db()
    assert hold.status == "ready"
    other = _student(world)
    with pytest.raises(Conflict, match="đang được giữ"):
        circulation.loan_checkout(
            actor=librarian, school=th1, patron_code=other.code, barcode=copy.barcode
        )
    circulation.loan_checkout(
        actor=librarian, school=th1, patron_code=teacher.code, barcode=copy.barcode
    )
    assert Hold.objects.get(pk=hold.pk).status == "done"


def test_a_class_borrows_its_textbooks_in_one_go_or_not_at_all(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    school_class = Unit.objects.get(school=th1, kind="LOP", name__endswith="1B")
    pupils = Enrolment.objects.filter(school_class=school_class).count()
    textbooks = list(BibRecord.objects.filter(school=th1, kind=ItemKind.SGK, grade=1)[:2])
    loans = circulation.class_checkout(
        actor=librarian, school_class=school_class, records=textbooks
    )
    assert len(loans) == 2 * pupils
    assert all(loan.due_on == loans[0].due_on for loan in loans)
    # The end of the year: one list of scanned barcodes brings them back.
    codes = [loan.copy.barcode for loan in loans[:-1]]
    result = circulation.class_return(
        actor=librarian, school_class=school_class, barcodes=[*codes, "NOPE-1"]
    )
    assert len(result.returned) == len(codes)
    assert result.unknown == ["NOPE-1"]
    still = {loan.pk for loan in result.still_out}
    assert loans[-1].pk in still
    assert not still & {loan.pk for loan in result.returned}


def test_class_loan_refused_whole_when_copies_are_short(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    school_class = Unit.objects.get(school=th1, kind="LOP", name__endswith="1B")
    textbook = BibRecord.objects.filter(school=th1, kind=ItemKind.SGK, grade=1).first()
    Copy.objects.filter(record=textbook).exclude(
        pk__in=Copy.objects.filter(record=textbook).values("pk")[:3]
    ).update(status=CopyStatus.LOST)
    before = Loan.objects.count()
    with pytest.raises(Conflict, match="còn 3 bản trên giá"):
        circulation.class_checkout(actor=librarian, school_class=school_class, records=[textbook])
    assert Loan.objects.count() == before


def test_desk_page_lends_and_returns(world) -> None:
    th1 = world.units["th1"]
    client = login(world.people["th1.thuthu"])
    pupil = _student(world)
    copy = _copy(world)
    response = client.post(
        f"/thu-vien/{th1.pk}/muon-tra/", {"patron": pupil.code, "barcode": copy.barcode}
    )
    assert response.status_code == 200
    assert f"Đã cho {pupil.full_name} mượn" in response.content.decode()
    again = client.post(
        f"/thu-vien/{th1.pk}/muon-tra/", {"patron": pupil.code, "barcode": copy.barcode}
    )
    assert again.status_code == 409
    assert "đang cho mượn" in again.content.decode()
    back = client.post(
        f"/thu-vien/{th1.pk}/muon-tra/", {"action": "return", "barcode": copy.barcode}
    )
    assert "Đã nhận trả" in back.content.decode()


def test_overdue_reminders_go_to_parents_and_staff(world) -> None:
    from hoso.records.models import Notification

    th1 = world.units["th1"]
    Loan.objects.create(  # as the demo's loans of a month ago
        copy=_copy(world),
        school=th1,
        student=_student(world),
        issued_by=world.people["th1.thuthu"],
        issued_at=timezone.now() - dt.timedelta(days=30),
        due_on=timezone.localdate() - dt.timedelta(days=16),
    )
    overdue = list(selectors.overdue(th1))
    assert overdue, "an overdue loan"
    before = Notification.objects.count()
    sent = circulation.overdue_remind(actor=world.people["th1.thuthu"], school=th1)
    assert Notification.objects.count() > before or sent == 0
    assert (
        circulation.overdue_remind(actor=world.people["th1.thuthu"], school=th1) == 0
    )  # once a day
