"""Background work: batch signing (huey; inline in tests), the daily archive time-stamp
renewal of issued documents, and the clean-up of two-phase sessions: prepared sessions that
were never completed (the tab was closed, the agent went away mid-batch) expire and leave
nothing behind."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_sign_batch(batch_id: int) -> None:
    from hoso.signing.services.batches import batch_run

    batch_run(batch_id=batch_id)


@db_periodic_task(crontab(hour="3", minute="20"))
def renew_archive_timestamps() -> None:
    """Daily: renew archive time-stamps that expire within HOSO_ARCHIVE_RENEW_DAYS."""
    from hoso.signing.services.archive import archive_renew_due

    archive_renew_due()


@db_periodic_task(crontab(minute="*/5"))
def purge_external_sessions() -> None:
    from hoso.signing.services.versions import external_sessions_purge

    external_sessions_purge()
