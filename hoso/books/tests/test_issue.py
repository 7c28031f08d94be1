"""School books generated from the data and issued as records: the demo's signed sổ đăng bộ and
score book, a correction as the next version with the change written on it, refusals with the
list of what is missing, and the whole-school batch."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.books.models import BookBatch, BookEdition
from hoso.books.services.batches import book_batch_create, book_batch_run
from hoso.books.services.issue import book_issue
from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.models import Homeroom
from hoso.org.models import Enrolment, Student, Unit
from hoso.records.models import RecordState, RecordVersion
from hoso.signing.models import SignatureRecord

pytestmark = pytest.mark.django_db


def _school(code):
    return Unit.objects.get(code=code)


def test_the_demo_register_and_score_book_are_issued_and_signed():
    register = BookEdition.objects.get(kind="so_dang_bo", school=_school("TH1"))
    assert register.record.state == RecordState.ISSUED
    assert register.record.record_type.code == "TT28.SDB"
    assert register.record.record_type.retention_years == 0  # permanent
    signatures = SignatureRecord.objects.filter(version=register.record_version)
    assert sorted(signatures.values_list("action", flat=True)) == ["seal", "sign"]
    assert len(register.data["lines"]) == Student.objects.filter(school=_school("TH1")).count()
    book = BookEdition.objects.get(kind="so_theo_doi", school_class__code="THCS1-2025-6A")
    assert (book.term, book.record.state) == ("HK1", RecordState.ISSUED)
    assert book.record.unit.code == "THCS1-2025-6A"
    signed = SignatureRecord.objects.filter(version=book.record_version)
    subjects = len(book.data["tables"])  # one signature per subject list, in its block
    assert list(signed.order_by("id").values_list("role", flat=True)) == [
        *["GVBM"] * subjects,
        "GVCN",
        "HT",
        "VT",
    ]


def test_a_correction_after_issue_is_the_next_version_with_the_change_noted(demo_user):
    vanthu, th1 = demo_user("th1.vanthu"), _school("TH1")
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
        book_issue(actor=demo_user("th1.hieutruong"), kind="so_dang_bo", school=th1)


def test_a_book_with_missing_data_is_refused_with_the_list(demo_user):
    th1 = _school("TH1")
    Student.objects.filter(school=th1, register_number="7").update(birth_place="")
    name = Student.objects.get(school=th1, register_number="7").full_name
    editions, versions = BookEdition.objects.count(), RecordVersion.objects.count()
    edition = BookEdition.objects.get(kind="so_dang_bo", school=th1)
    Student.objects.filter(school=th1, register_number="3").update(address="Thôn mới")
    with pytest.raises(DomainError) as refused:
        book_issue(actor=demo_user("th1.vanthu"), kind="so_dang_bo", school=th1)
    assert refused.value.message == f"Chưa lập được sổ đăng bộ: còn thiếu {name}: nơi sinh."
    assert (BookEdition.objects.count(), RecordVersion.objects.count()) == (editions, versions)
    assert edition.record.state == RecordState.ISSUED


def test_who_and_which_book(demo_user):
    lop1a = Unit.objects.get(code="TH1-2025-1A")
    lop6b = Unit.objects.get(code="THCS1-2025-7A")
    other_gv = demo_user("th1.giaovien2")
    assert not Homeroom.objects.filter(school_class=lop1a, teacher=other_gv).exists()
    with pytest.raises(NotAllowed):
        book_issue(
            actor=other_gv,
            kind="bang_tong_hop",
            school=_school("TH1"),
            school_class=lop1a,
            term="HK1",
        )
    with pytest.raises(DomainError, match="không dùng cho cấp học"):
        book_issue(
            actor=demo_user("th1.vanthu"),
            kind="so_theo_doi",
            school=_school("TH1"),
            school_class=lop1a,
            term="HK1",
        )
    with pytest.raises(DomainError, match="Kỳ của sổ không hợp lệ"):
        book_issue(
            actor=demo_user("thcs1.hieutruong"),
            kind="so_theo_doi",
            school=_school("THCS1"),
            school_class=lop6b,
            term="CN",
        )


def test_the_bang_tong_hop_of_a_primary_class(demo_user):
    lop1a = Unit.objects.get(code="TH1-2025-1A")
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    edition = book_issue(
        actor=gvcn, kind="bang_tong_hop", school=_school("TH1"), school_class=lop1a, term="HK1"
    )
    assert edition.record.record_type.code == "TT28.BTHKQ"
    assert len(edition.data["rows"]) == Enrolment.objects.filter(school_class=lop1a).count()
    edition.record.refresh_from_db()
    assert edition.record.state == RecordState.SUBMITTED


def test_the_whole_school_batch(client_for, demo_user):
    principal = demo_user("thcs1.hieutruong")
    batch = book_batch_create(actor=principal, school=_school("THCS1"), term="HK1")
    assert BookBatch.objects.get(pk=batch.pk).status == "queued"
    book_batch_run(batch_id=batch.pk)  # what the queued task does after the commit
    book_batch_run(batch_id=batch.pk)  # run again: nothing is done twice
    batch = BookBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.total, batch.done, batch.failed) == ("done", 5, 3, 2)
    failed = {i.kind: i for i in batch.items.filter(status="failed").select_related("school_class")}
    # 6A's score book is kept by its GVCN (the demo); the principal's own sổ đăng bộ record
    # (the signing demo) is waiting for the seal, so no new version may be added to it.
    assert failed["so_theo_doi"].school_class.code == "THCS1-2025-6A"
    assert "người khác lập" in failed["so_theo_doi"].message
    assert "đang trong quá trình duyệt, ký" in failed["so_dang_bo"].message
    done = batch.items.filter(status="done").values_list("school_class__code", flat=True)
    assert sorted(done) == ["THCS1-2025-7A", "THCS1-2025-8A", "THCS1-2025-9A"]
    page = client_for("thcs1.hieutruong").get(f"/so-sach/lo/{batch.pk}/")
    assert page.status_code == 200 and "đã xử lý 3/5" in page.content.decode()
    assert client_for("th1.hieutruong").get(f"/so-sach/lo/{batch.pk}/").status_code == 404


def test_a_batch_killed_mid_way_is_resumed_and_issues_no_book_twice(demo_user):
    """The sweep queues a silent batch again; an item another run already finished is not issued
    a second time (its new edition is rolled back with the item's update)."""
    from django.utils import timezone

    from hoso.books.models import BookBatchItem
    from hoso.books.services.batches import _one, book_batches_stuck
    from hoso.ops.recovery import jobs_recover

    batch = book_batch_create(
        actor=demo_user("thcs1.hieutruong"), school=_school("THCS1"), term="HK1"
    )  # task lost: the test transaction never commits
    past = timezone.now() - dt.timedelta(minutes=30)
    BookBatch.objects.filter(pk=batch.pk).update(status="running", created_at=past)
    assert book_batches_stuck(10) == [batch.pk]

    assert jobs_recover(older_than_minutes=10)["books.batch.run"] == 1

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == ("done", 3, 2)
    editions = BookEdition.objects.count()
    stale = BookBatchItem.objects.filter(batch=batch, status="done").first()
    stale.status = "pending"  # what a second worker read before the first one finished
    _one(batch, stale)
    assert BookEdition.objects.count() == editions
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (3, 2)
    assert BookBatchItem.objects.get(pk=stale.pk).status == "done"
