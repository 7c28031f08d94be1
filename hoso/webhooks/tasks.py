"""The webhooks' background work (huey): the first attempt right after commit, and a sweep
every minute for the retries that are due (and any first attempt a crash cut off)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hoso.webhooks.services import deliveries_run_due, delivery_attempt


@db_task()
def deliver(delivery_id: int) -> None:
    delivery_attempt(delivery_id)


@db_periodic_task(crontab(minute="*"))
def deliveries_due_tick() -> None:
    deliveries_run_due()
