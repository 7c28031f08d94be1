"""Background work: the monthly proposal run, the daily sweep, and the sweep queued when a
destruction commits. Tasks take ids and are idempotent."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=60)
def sweep_proposal(proposal_id: int) -> None:
    from hoso.retention.sweep import sweep

    sweep(proposal_id=proposal_id)


@db_periodic_task(crontab(day="1", hour="2", minute="15"))
def propose_monthly() -> None:
    from hoso.retention.services import proposals_create

    proposals_create()


@db_periodic_task(crontab(hour="2", minute="45"))
def sweep_daily() -> None:
    from hoso.retention.sweep import sweep

    sweep()
