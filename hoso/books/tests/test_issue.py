"""School books generated from the data and issued as records: a correction of an issued sổ
đăng bộ is the next version with the change written on it, a book with missing data is refused
with the list of what is missing, who may issue which book, and a primary class's bảng tổng hợp.
Own world: hoso.grading.tests.factories.gradebook_world; the issued sổ đăng bộ is made as the
demo makes TH Nguyễn Du's (hoso.books.demo): by the văn thư, signed by the principal in a
signing batch, sealed. The demo's own books and the whole-school batch: test_issue_demo.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from hoso.books.models import BookEdition
from hoso.books.services.issue import book_issue
from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.models import Homeroom
from hoso.grading.tests.factories import gradebook_world, hk1_filled, lop_enrolments
from hoso.org.models import Enrolment, Student
from hoso.org.tests.factories import Province
from hoso.records.models import RecordState, RecordVersion

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> Province:
    """Lớp 1A of th1 with eight pupils, whose numbers in the register are 1 to 8 in the order
    of their names (as the demo numbers them)."""
    world = gradebook_world("th1.1A", "thcs1.7A", pupils=8)
    for number, enrolment in enumerate(lop_enrolments(world.units["th1.1A"]), start=1):
        Student.objects.filter(pk=enrolment.student_id).update(register_number=str(number))
    return world


@pytest.fixture
def register(world: Province) -> BookEdition:
    """TH Nguyễn Du's sổ đăng bộ, issued as the demo issues it (hoso.books.demo)."""
    from hoso.records.services.signing import version_seal
    from hoso.signing.demo import create_demo_pki
    from hoso.signing.services.batches import batch_run, batch_start

    principal, vanthu = world.people["th1.hieutruong"], world.people["th1.vanthu"]
    create_demo_pki(users=[principal, vanthu], schools=[world.units["th1"]])
    edition = book_issue(actor=vanthu, kind="so_dang_bo", school=world.units["th1"])
    batch = batch_start(
        actor=principal, record_ids=[edition.record_id], passphrase=settings.DEMO_PASSWORD
    )
    done = batch_run(batch_id=batch.pk)
    assert done is not None and not done.failed
    version_seal(actor=vanthu, record_id=edition.record_id, passphrase=settings.DEMO_PASSWORD)
    edition.record.refresh_from_db()
    assert edition.record.state == RecordState.ISSUED
    return edition


def test_a_correction_after_issue_is_the_next_version_with_the_change_noted(world, register):
    vanthu, th1 = world.people["th1.vanthu"], world.units["th1"]
    first = BookEdition.objects.get(kind="so_dang_bo", school=th1)
    with pytest.raises(DomainError, match="không có gì để điều chỉnh"):
        book_issue(actor=vanthu, kind="so_dang_bo", school=th1)
    student = Student.objects.get(school=th1, register_number="3")
    Student.objects.filter(pk=student.pk).update(
        left_on=dt.date(2026, 1, 20), leave_reason="Chuyển trường"
    )
    second = book_issue(actor=vanthu, kind="so_dang_bo", school=th1)
    assert (second.number, second.record_id) == (2, first.record_id)
    assert f"- Số 3 ({student.full_name}), lí do rời trường: (trống) → Chuyển trường" in (
        second.change_note
    )
    second.record.refresh_from_db()
    assert second.record.state == RecordState.SUBMITTED  # into the chain again
    versions = RecordVersion.objects.filter(record=first.record).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].issued_at is not None and versions[1].issued_at is None
    with pytest.raises(NotAllowed):  # the principal is not the keeper of this record
        book_issue(actor=world.people["th1.hieutruong"], kind="so_dang_bo", school=th1)


def test_a_book_with_missing_data_is_refused_with_the_list(world, register):
    th1 = world.units["th1"]
    Student.objects.filter(school=th1, register_number="7").update(birth_place="")
    name = Student.objects.get(school=th1, register_number="7").full_name
    editions, versions = BookEdition.objects.count(), RecordVersion.objects.count()
    edition = BookEdition.objects.get(kind="so_dang_bo", school=th1)
    Student.objects.filter(school=th1, register_number="3").update(address="Thôn mới")
    with pytest.raises(DomainError) as refused:
        book_issue(actor=world.people["th1.vanthu"], kind="so_dang_bo", school=th1)
    assert refused.value.message == f"Chưa lập được sổ đăng bộ: còn thiếu {name}: nơi sinh."
    assert (BookEdition.objects.count(), RecordVersion.objects.count()) == (editions, versions)
    assert edition.record.state == RecordState.ISSUED


def test_who_and_which_book(world):
    lop1a = world.units["th1.1A"]
    lop6b = world.units["thcs1.7A"]
    other_gv = world.people["th1.giaovien2"]
    assert not Homeroom.objects.filter(school_class=lop1a, teacher=other_gv).exists()
    with pytest.raises(NotAllowed):
        book_issue(
            actor=other_gv,
            kind="bang_tong_hop",
            school=world.units["th1"],
            school_class=lop1a,
            term="HK1",
        )
    with pytest.raises(DomainError, match="không dùng cho cấp học"):
        book_issue(
            actor=world.people["th1.vanthu"],
            kind="so_theo_doi",
            school=world.units["th1"],
            school_class=lop1a,
            term="HK1",
        )
    with pytest.raises(DomainError, match="Kỳ của sổ không hợp lệ"):
        book_issue(
            actor=world.people["thcs1.hieutruong"],
            kind="so_theo_doi",
            school=world.units["thcs1"],
            school_class=lop6b,
            term="CN",
        )
    assert not BookEdition.objects.filter(school__in=[world.units["th1"], world.units["thcs1"]])


def test_the_bang_tong_hop_of_a_primary_class(world):
    hk1_filled(world, "th1.1A")  # học kì I entered, as in the demo
    lop1a = world.units["th1.1A"]
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    edition = book_issue(
        actor=gvcn, kind="bang_tong_hop", school=world.units["th1"], school_class=lop1a, term="HK1"
    )
    assert edition.record.record_type.code == "TT28.BTHKQ"
    assert len(edition.data["rows"]) == Enrolment.objects.filter(school_class=lop1a).count() == 8
    edition.record.refresh_from_db()
    assert edition.record.state == RecordState.SUBMITTED
