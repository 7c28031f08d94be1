"""Periodic clean-up for two-phase signing: prepared sessions that were never completed (the
tab was closed, the agent went away mid-batch) expire and leave nothing behind."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def purge_external_sessions() -> None:
    from hoso.signing.services import external_sessions_purge

    external_sessions_purge()
