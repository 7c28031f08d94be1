"""Run a request again when PostgreSQL aborted its transaction to break a deadlock.

Every write of HoSo appends to the one audit chain, so every writing transaction ends by locking
the chain's head row. Two transactions that lock the same business rows in different orders
before that point can deadlock; PostgreSQL then aborts one of them (SQLSTATE 40P01), or one
fails a serialization check (40001). The aborted transaction has rolled back completely, so the
request can simply run again: the user sees a short wait instead of an error page. SQLite never
deadlocks this way (writes start with BEGIN IMMEDIATE and wait on busy_timeout).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
ATTEMPTS = 3


def is_retryable(exc: BaseException) -> bool:
    """True for a PostgreSQL deadlock or serialization failure, however Django wrapped it."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        if getattr(exc, "pgcode", None) in RETRYABLE_SQLSTATES:
            return True
        exc = exc.__cause__  # type: ignore[assignment]
    return False


def any_database_error(_exc: BaseException) -> bool:
    """For work that is whole in its own transaction, where any OperationalError (SQLite's
    "database is locked" as well) left nothing behind and is worth another try."""
    return True


def retry_transaction(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    retry_on: Callable[[BaseException], bool] = is_retryable,
    pause_first: bool = False,
) -> T:
    """`work()` — one whole transaction — run again after a database error `retry_on` accepts,
    at most `attempts` times in all, with a short random pause before each new attempt (and
    before the first when `pause_first`: the caller's own attempt already failed). The last
    error is raised. Never inside an outer transaction: its first failure has poisoned it."""
    for attempt in range(1, attempts + 1):
        if attempt > 1 or pause_first:
            time.sleep(random.uniform(0.02, 0.2) * attempt)  # let the other transaction finish
        try:
            return work()
        except OperationalError as exc:
            if attempt == attempts or not retry_on(exc) or connection.in_atomic_block:
                raise
    raise AssertionError("attempts must be at least 1")


class DeadlockRetryMiddleware:
    """Re-invoke the view (at most ATTEMPTS times in all) after a retryable database error.

    Only when no transaction is open around the view: then the failed attempt was rolled back
    as a whole and nothing of it remains (on_commit hooks are discarded with it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        request._hoso_view = (view, args, kwargs)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, OperationalError) or not is_retryable(exception):
            return None
        if connection.in_atomic_block:
            return None
        view, args, kwargs = request._hoso_view  # type: ignore[attr-defined]

        def again() -> Any:
            log.warning("deadlock on %s: the view runs again", request.path)
            for name in request.FILES:
                for upload in request.FILES.getlist(name):
                    upload.seek(0)
            return view(request, *args, **kwargs)

        try:
            # Django renders a TemplateResponse returned from here.
            return retry_transaction(again, attempts=ATTEMPTS - 1, pause_first=True)
        except OperationalError as last:
            if not is_retryable(last) or connection.in_atomic_block:
                raise
            return None  # Django handles the first error as usual
