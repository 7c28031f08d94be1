"""Sessions in the database, as Django's own engine, without one write per request.

SESSION_SAVE_EVERY_REQUEST keeps the 8-hour limit sliding: every request pushes the expiry
forward. Django does that by rewriting the session row on every request (a write transaction
per page view, the largest fixed cost of a request on SQLite). This engine skips the write when
the session's data did not change and its stored expiry is less than REFRESH_SECONDS behind
the one a write would give; the limit still slides, in steps of at most a minute."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

REFRESH_SECONDS = 60


class SessionStore(DatabaseSessionStore):
    stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()  # type: ignore[misc]  # not in django-stubs
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self._expiry_is_fresh():
            return
        super().save(must_create=must_create)
        self.stored_expiry = self.get_expiry_date()

    def _expiry_is_fresh(self) -> bool:
        if self.stored_expiry is None or self.session_key is None:
            return False
        return self.get_expiry_date() - self.stored_expiry < dt.timedelta(seconds=REFRESH_SECONDS)
