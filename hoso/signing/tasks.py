"""Background work: batch signing (huey; inline in tests) and the clean-up of two-phase
sessions: prepared sessions that were never completed (the tab was closed, the agent went
away mid-batch) expire and leave nothing behind. The daily renewal of archive time-stamps is
the records' (hoso.records.tasks)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_sign_batch(batch_id: int) -> None:
    from hoso.signing.services.batches import batch_run

    batch_run(batch_id=batch_id)


@db_periodic_task(crontab(minute="*/5"))
def purge_external_sessions() -> None:
    from hoso.signing.services.door import external_sessions_purge

    external_sessions_purge()
