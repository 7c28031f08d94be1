"""Jobs lost in a crash. The huey worker takes a task off the queue before running it, so a
worker killed mid-task (power cut, OOM killer, SIGKILL) loses that task: its object stays
"pending" forever. This sweep finds such objects and queues their (idempotent) task again.

Each entry: (app label, function returning ids stuck longer than `minutes`, task to re-queue).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

from hoso.audit.services import audit_log


def _records_stuck(minutes: float) -> list[int]:
    from hoso.records.models import RecordVersion, RenditionStatus

    cutoff = timezone.now() - timedelta(minutes=minutes)
    return list(
        RecordVersion.objects.filter(
            rendition_status=RenditionStatus.PENDING, uploaded_at__lte=cutoff
        ).values_list("pk", flat=True)[:5000]
    )


def _records_task() -> Callable[[int], Any]:
    from hoso.records.tasks import render_version

    return render_version  # type: ignore[no-any-return]


def _batches_stuck(minutes: float) -> list[int]:
    from hoso.signing.services.batches import batches_stuck

    return batches_stuck(minutes)


def _batches_task() -> Callable[[int], Any]:
    # Resumes the batch, or ends its remaining items cleanly failed ("hãy ký lại") when the
    # encrypted passphrase is gone or too old; never signs a document twice.
    from hoso.signing.tasks import run_sign_batch

    return run_sign_batch  # type: ignore[no-any-return]


def _remote_stuck(minutes: float) -> list[int]:
    from hoso.signing.remote.services.requests import remote_requests_stuck

    return remote_requests_stuck(minutes)


def _remote_task() -> Callable[[int], Any]:
    # Signs what is still pending with the confirmation already given; if the provider no
    # longer accepts it, the request ends cleanly failed and nothing is half-signed.
    from hoso.signing.remote.tasks import run_remote_request

    return run_remote_request  # type: ignore[no-any-return]


def _hocba_batches_stuck(minutes: float) -> list[int]:
    from hoso.grading.hocba.services.batches import hocba_batches_stuck

    return hocba_batches_stuck(minutes)


def _hocba_batches_task() -> Callable[[int], Any]:
    # Resumes the batch: each pupil's học bạ and its progress row commit together, so what
    # was done before the crash is skipped and nothing is made or signed twice.
    from hoso.grading.tasks import run_hocba_batch

    return run_hocba_batch  # type: ignore[no-any-return]


def _book_batches_stuck(minutes: float) -> list[int]:
    from hoso.books.services.batches import book_batches_stuck

    return book_batches_stuck(minutes)


def _book_batches_task() -> Callable[[int], Any]:
    from hoso.books.tasks import run_book_batch

    return run_book_batch  # type: ignore[no-any-return]


def _drive_batches_stuck(minutes: float) -> list[int]:
    from hoso.drive_import.services.batches import drive_batches_stuck

    return drive_batches_stuck(minutes)


def _drive_batches_task() -> Callable[[int], Any]:
    # Imports the files still pending: each file's record and its item's state commit together.
    from hoso.drive_import.tasks import run_batch

    return run_batch  # type: ignore[no-any-return]


RECOVERERS: list[
    tuple[str, str, Callable[[float], list[int]], Callable[[], Callable[[int], Any]]]
] = [
    ("records", "records.version.render", _records_stuck, _records_task),
    ("signing", "signing.batch.run", _batches_stuck, _batches_task),
    ("signing", "signing.remote.run", _remote_stuck, _remote_task),
    ("grading", "grading.hocba.batch.run", _hocba_batches_stuck, _hocba_batches_task),
    ("books", "books.batch.run", _book_batches_stuck, _book_batches_task),
    ("drive_import", "drive_import.batch.run", _drive_batches_stuck, _drive_batches_task),
]


def jobs_recover(*, older_than_minutes: float = 10) -> dict[str, int]:
    """Re-queue every stuck job; returns how many per kind. Safe to run at any time: the tasks
    skip work that is already done."""
    requeued: dict[str, int] = {}
    for app_label, kind, stuck, task in RECOVERERS:
        if not apps.is_installed(f"hoso.{app_label}"):
            continue
        ids = stuck(older_than_minutes)
        for pk in ids:
            task()(pk)
        requeued[kind] = len(ids)
    if any(requeued.values()):
        audit_log("ops.jobs.requeued", actor_name="hệ thống", data=requeued)
    return requeued
