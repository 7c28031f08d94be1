"""School books the demo issued, and the whole-school batch over the demo's THCS Lê Quý Đôn: its
signed sổ đăng bộ and score book, and a batch that finds one book kept by someone else and one
record in the signing chain.

Needs the demo province: it is about the books the demo issued (TH Nguyễn Du's sổ đăng bộ, 6A's
score book signed by every subject teacher), and the batch counts THCS Lê Quý Đôn's four
classes as the demo and the signing demo leave them (6A's book kept by its GVCN, the
principal's sổ đăng bộ record waiting for the seal)."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.books.models import BookBatch, BookEdition
from hoso.books.services.batches import book_batch_create, book_batch_run
from hoso.org.models import Student, Unit
from hoso.records.models import RecordState
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
