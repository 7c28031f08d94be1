"""Background work of the records app (huey). Tasks take ids, call a service, are idempotent
and are enqueued with transaction.on_commit; in tests they run inline (immediate mode)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=2, retry_delay=30)
def render_version(version_id: int) -> None:
    from hoso.records.services.renditions import version_render

    version_render(version_id=version_id)


@db_task(retries=2, retry_delay=10)
def index_record(record_id: int) -> None:
    from hoso.records.search_index import record_index

    record_index(record_id=record_id)


@db_task(retries=3, retry_delay=60)
def email_notifications(notification_ids: list[int]) -> None:
    from hoso.records.notify import notifications_email

    notifications_email(notification_ids)


@db_periodic_task(crontab(hour="3", minute="20"))
def renew_archive_timestamps() -> None:
    """Daily: renew archive time-stamps that expire within HOSO_ARCHIVE_RENEW_DAYS."""
    from hoso.records.services.archive import archive_renew_due

    archive_renew_due()


@db_periodic_task(crontab(minute="5"))
def send_reminders() -> None:
    from hoso.records.services.reminders import reminders_send

    reminders_send()


@db_periodic_task(crontab(minute="20", hour="1"))
def generate_due_items() -> None:
    from hoso.org.years import current_year
    from hoso.records.services.deadlines import due_items_generate
    from hoso.records.services.office_types import office_types_retire_reached

    office_types_retire_reached()
    year = current_year()
    if year is not None:
        due_items_generate(school_year=year)


@db_task(retries=2, retry_delay=30)
def generate_due_items_below(unit_id: int) -> None:
    """An office defined, adapted or retired a type: the schools below it owe (or no longer
    owe) their due items at once, not from the next nightly run."""
    from hoso.records.services.deadlines import due_items_generate_below

    due_items_generate_below(unit_id=unit_id)


@db_task(retries=2, retry_delay=60)
def keeper_changed(unit_id: int, school_year_id: int, keeper: str, owner_id: int | None) -> None:
    """A unit's keeper changed (a class got a new GVCN, or none): open items move to the new
    keeper, or are released when there is none; then the school's missing items are made.
    Idempotent."""
    from hoso.org.models import SchoolYear, Unit
    from hoso.records.services.deadlines import due_items_keeper_changed

    unit = Unit.objects.select_related("school").filter(pk=unit_id).first()
    year = SchoolYear.objects.filter(pk=school_year_id).first()
    if unit is None or unit.school is None or year is None:
        return
    due_items_keeper_changed(
        unit_id=unit.pk, school=unit.school, school_year=year, keeper=keeper, owner_id=owner_id
    )


@db_periodic_task(crontab(minute="*/5"))
def refresh_due_summaries() -> None:
    """Every five minutes: recount the dashboard rows of schools whose due items changed or
    whose open items changed status (a due time passed) since their row was counted."""
    from hoso.records.services.summary import due_summary_refresh

    due_summary_refresh()


@db_periodic_task(crontab(minute="50", hour="1"))
def rebuild_due_summaries() -> None:
    """Nightly, after the due items are generated: recount every row, whatever changed them
    (a unit or person deleted with their items, a change no service announced)."""
    from hoso.records.services.summary import due_summary_refresh

    due_summary_refresh(all_rows=True)
