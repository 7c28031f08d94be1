"""Demo data of the official books:
- two pupils of th1 1B whose nationality is not yet known (the class's list of what is missing
  has something to show);
- the sổ đăng bộ of TH Nguyễn Du made by the văn thư, signed by the principal in a signing
  batch and sealed: issued, kept permanently;
- the score book (sổ theo dõi và đánh giá học sinh, học kì I) of THCS Lê Quý Đôn 6A made by its
  GVCN, approved and signed by the principal: issued."""

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
    from hoso.grading.models import Homeroom
    from hoso.records.services.workflow import record_approve

    lop6a = demo.units["thcs1.lop.6A"]
    gvcn = Homeroom.objects.get(school_class=lop6a).teacher
    edition = book_issue(
        actor=gvcn, kind="so_theo_doi", school=demo.units["thcs1"], school_class=lop6a, term="HK1"
    )
    record_approve(actor=demo.users["thcs1.hieutruong"], record_id=edition.record_id)
    _principal_batch(demo, "thcs1", edition.record_id)


def load(demo: DemoProvince) -> None:
    _gaps(demo)
    _register_th1(demo)
    _score_book_6a(demo)


def register() -> None:
    register_demo_step(load, order=400)
