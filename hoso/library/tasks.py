"""The library's background work (huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hoso.library.search_index import index_pending_titles


@db_periodic_task(crontab(minute="*/10"))
def index_pending_tick() -> None:
    """Titles whose transaction committed but whose indexing was cut off (a killed process)."""
    index_pending_titles()
