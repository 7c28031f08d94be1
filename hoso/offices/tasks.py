"""Background work of the offices: the daily reminder of directives awaiting an answer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hoso.offices.services.directives import directives_remind_due


@db_periodic_task(crontab(hour="7", minute="30"))
def remind_directives() -> int:
    return directives_remind_due()


@db_periodic_task(crontab(hour="6", minute="15"))
def schedule_recurring_reports() -> int:
    from hoso.offices.services.reports import reports_schedule_next

    return reports_schedule_next()
