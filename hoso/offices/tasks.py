"""Background work of the offices: the daily reminder of directives awaiting an answer, the
recurring reports, and the digital-transformation figures kept for the ranking."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hoso.offices.services.directives import directives_remind_due


@db_periodic_task(crontab(hour="7", minute="30"))
def remind_directives() -> int:
    return directives_remind_due()


@db_periodic_task(crontab(hour="6", minute="15"))
def schedule_recurring_reports() -> int:
    from hoso.offices.services.reports import reports_schedule_next

    return reports_schedule_next()


@db_task(retries=2, retry_delay=60)
def refresh_dx_figures(set_id: int) -> int:
    """A criteria set's automatic figures for all its schools (after publishing). Idempotent."""
    from hoso.offices.transformation.services_figures import figures_refresh

    return figures_refresh(set_id=set_id)


@db_periodic_task(crontab(hour="2", minute="40"))
def refresh_open_dx_figures() -> int:
    """Nightly: every open criteria set's figures, so that the ranking shows last night's."""
    from hoso.offices.transformation.services_figures import figures_refresh_open

    return figures_refresh_open()
