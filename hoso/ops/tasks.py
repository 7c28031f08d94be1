"""Scheduled operations (huey). The hourly tick decides itself whether a backup is due, so the
hour comes from settings at run time rather than from a crontab fixed at import."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hoso.ops.schedule import backup_scheduled
from hoso.ops.scrub import scrub_run


@db_periodic_task(crontab(minute="7"))
def backup_tick() -> None:
    backup_scheduled()


@db_periodic_task(crontab(day_of_week="0", hour="3", minute="30"))
def scrub_weekly() -> None:
    scrub_run()


@db_periodic_task(crontab(minute="*/10"))
def jobs_recover_tick() -> None:
    from hoso.ops.recovery import jobs_recover

    jobs_recover(older_than_minutes=10)
