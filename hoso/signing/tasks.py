"""Background work: batch signing (huey; inline in tests)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_sign_batch(batch_id: int) -> None:
    from hoso.signing.batches import batch_run

    batch_run(batch_id=batch_id)
