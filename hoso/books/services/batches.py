"""A whole school's books for a term in the background, with one progress page: the sổ đăng bộ
and, for every class, its score book (THCS/THPT) or bảng tổng hợp (tiểu học). Each book is
issued completely or not at all; a book with missing data fails with the list, the others go on."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.books.models import BatchStatus, BookBatch, BookBatchItem, BookKind
from hoso.books.services.issue import book_issue, level_of
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.scheduling import beat, silent_jobs
from hoso.org.models import Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can

CLASS_BOOK = {
    "TH": BookKind.BANG_TONG_HOP,
    "THCS": BookKind.SO_THEO_DOI,
    "THPT": BookKind.SO_THEO_DOI,
}
TERMS = {"HK1", "HK2", "CN"}


def _class_term(kind: str, term: str) -> str:
    """The batch's term as each book names it (the bảng tổng hợp has HK1 and CN)."""
    if kind == BookKind.BANG_TONG_HOP:
        return "HK1" if term == "HK1" else "CN"
    return "HK1" if term == "HK1" else "HK2"


@transaction.atomic
def book_batch_create(*, actor: Any, school: Unit, term: str, ip: str = "") -> BookBatch:
    if not can(actor, "books.school.generate", school):
        raise NotAllowed(_("Chỉ lãnh đạo hoặc văn thư của trường được lập sổ sách cả trường."))
    if term not in TERMS:
        raise DomainError(_("Kỳ không hợp lệ."), fields={"term": [_("Sai kỳ.")]})
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại; hãy báo quản trị hệ thống."))
    classes = Unit.objects.filter(
        school=school, kind=UnitKind.LOP, school_year=year, is_active=True, grade__gte=1
    ).order_by("grade", "name")
    items = [BookBatchItem(kind=BookKind.SO_DANG_BO)]
    for school_class in classes:
        kind = CLASS_BOOK.get(level_of(school, school_class))
        if kind is not None:
            items.append(BookBatchItem(kind=kind, school_class=school_class))
    batch = BookBatch.objects.create(
        school=school, school_year=year, term=term, user=actor, total=len(items)
    )
    for item in items:
        item.batch = batch
    BookBatchItem.objects.bulk_create(items)
    audit_log(
        "books.batch.started",
        actor=actor,
        obj=batch,
        unit_id=school.pk,
        ip=ip,
        data={"term": term, "items": len(items)},
    )
    from hoso.books.tasks import run_book_batch

    transaction.on_commit(lambda: run_book_batch(batch.pk))
    return batch


def book_batch_run(*, batch_id: int) -> BookBatch:
    """Work through the pending items (idempotent: a batch run again after a crash skips what
    is done; each book and its item are stored in one transaction)."""
    batch = BookBatch.objects.select_related("user", "school").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    beat(BookBatch, batch.pk, status=BatchStatus.RUNNING)
    for item in batch.items.filter(status="pending").select_related("school_class"):
        _one(batch, item)
    BookBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def book_batches_stuck(minutes: float) -> list[int]:
    """Batches queued or running whose worker has been silent for `minutes` (lost in a crash)."""
    running = [BatchStatus.QUEUED, BatchStatus.RUNNING]
    return silent_jobs(BookBatch.objects.filter(status__in=running), minutes)


class _AlreadyDone(DomainError):
    """Another run of the same batch finished this item first: the new edition is rolled back."""


def _one(batch: BookBatch, item: BookBatchItem) -> None:
    term = "" if item.kind == BookKind.SO_DANG_BO else _class_term(item.kind, batch.term)

    def done(edition: Any) -> None:
        item.edition = edition
        if not _finish(batch, item, "done", ""):
            raise _AlreadyDone(_("Mục này đã xong trong một lần chạy khác."))

    try:
        book_issue(
            actor=batch.user,
            kind=item.kind,
            school=batch.school,
            school_class=item.school_class,
            term=term,
            then=done,
        )
    except _AlreadyDone:
        return
    except DomainError as exc:
        _finish(batch, item, "failed", exc.message)
    except Exception as exc:  # noqa: BLE001 — one broken book must not stop the batch
        _finish(batch, item, "failed", f"Lỗi không mong đợi: {type(exc).__name__}")


@transaction.atomic
def _finish(batch: BookBatch, item: BookBatchItem, status: str, message: str) -> bool:
    """Ends a pending item once, whoever gets there first; False when it had already ended."""
    changed = BookBatchItem.objects.filter(pk=item.pk, status="pending").update(
        status=status, message=message[:1000], edition=item.edition
    )
    if changed:
        counter = "done" if status == "done" else "failed"
        beat(BookBatch, batch.pk, **{counter: F(counter) + 1})
    return bool(changed)
