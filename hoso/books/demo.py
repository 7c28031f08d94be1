"""Demo data of the official books:
- two pupils of th1 1B whose nationality is not yet known (the class's list of what is missing
  has something to show);
- the sổ đăng bộ of TH Nguyễn Du made by the văn thư, signed by the principal in a signing
  batch and sealed: issued, kept permanently;
- the score book (sổ theo dõi và đánh giá học sinh, học kì I) of THCS Lê Quý Đôn 6A made by its
  GVCN, signed by every subject teacher of the class (each in their subjects' blocks), by the
  GVCN, by the principal in a signing batch, and sealed by the văn thư: issued."""

from __future__ import annotations

from django.conf import settings

from hoso.org.demo import DemoProvince, register_demo_step
from hoso.org.models import Student


def _gaps(demo: DemoProvince) -> None:
    lop1b = demo.units["th1.lop.1B"]
    last_two = Student.objects.filter(enrolments__school_class=lop1b).order_by("-sort_key")[:2]
    Student.objects.filter(pk__in=[s.pk for s in last_two]).update(nationality="")


def _principal_batch(demo: DemoProvince, school: str, record_id: int) -> None:
    from hoso.signing.services.batches import batch_run, batch_start

    batch = batch_start(
        actor=demo.users[f"{school}.hieutruong"],
        record_ids=[record_id],
        passphrase=settings.DEMO_PASSWORD,
    )
    done = batch_run(batch_id=batch.pk)
    if done is None or done.failed:
        raise RuntimeError(f"demo books: the principal's batch failed ({school})")


def _register_th1(demo: DemoProvince) -> None:
    from hoso.books.services.issue import book_issue
    from hoso.records.services.signing import version_seal

    edition = book_issue(
        actor=demo.users["th1.vanthu"], kind="so_dang_bo", school=demo.units["th1"]
    )
    _principal_batch(demo, "th1", edition.record_id)
    version_seal(
        actor=demo.users["th1.vanthu"],
        record_id=edition.record_id,
        passphrase=settings.DEMO_PASSWORD,
    )


def _score_book_6a(demo: DemoProvince) -> None:
    from hoso.books.services.issue import book_issue
    from hoso.grading.models import Homeroom, TeachingAssignment
    from hoso.records.services.signing import version_seal, version_sign

    lop6a = demo.units["thcs1.lop.6A"]
    gvcn = Homeroom.objects.get(school_class=lop6a).teacher
    edition = book_issue(
        actor=gvcn, kind="so_theo_doi", school=demo.units["thcs1"], school_class=lop6a, term="HK1"
    )
    record_id, password = edition.record_id, settings.DEMO_PASSWORD
    rows = TeachingAssignment.objects.filter(school_class=lop6a).order_by("teacher_id")
    for teacher in dict.fromkeys(row.teacher for row in rows):  # each signs all their subjects
        version_sign(actor=teacher, record_id=record_id, passphrase=password)
    version_sign(actor=gvcn, record_id=record_id, passphrase=password)
    _principal_batch(demo, "thcs1", record_id)
    version_seal(actor=demo.users["thcs1.vanthu"], record_id=record_id, passphrase=password)


def load(demo: DemoProvince) -> None:
    _gaps(demo)
    _register_th1(demo)
    _score_book_6a(demo)


def register() -> None:
    register_demo_step(load, order=400)
