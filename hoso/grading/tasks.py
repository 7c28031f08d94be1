"""Background work of the gradebook: học bạ batches for a class (huey; inline in tests).
Tasks take ids and are idempotent (a batch run twice skips what is done)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_hocba_batch(batch_id: int) -> None:
    from hoso.grading.hocba.services.batches import hocba_batch_run

    hocba_batch_run(batch_id=batch_id)
