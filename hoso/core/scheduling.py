"""Enqueue background work after the current transaction commits, or collect it instead
(the demo loader collects, then does the work in bulk: one index commit, not hundreds); and the
heartbeat of long jobs (batches), by which the recovery sweep finds those a crash left behind."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

Job = tuple[Callable[..., Any], tuple[Any, ...]]
_collected: ContextVar[list[Job] | None] = ContextVar("collected_jobs", default=None)


def later(task: Callable[..., Any], *args: Any) -> None:
    bucket = _collected.get()
    if bucket is not None:
        bucket.append((task, args))
        return
    # Robust when the task is queued (not run here): the transaction has committed, and a queue
    # that does not answer (Redis restarting) must not turn the saved work into an error page.
    # The task is queued again by the recovery sweep (hoso.ops.recovery, every 10 minutes);
    # every task is idempotent. Run inline (tests, HOSO_TASKS_IMMEDIATE) its errors still show.
    transaction.on_commit(lambda: task(*args), robust=not _immediate())


def _immediate() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "HUEY", {}).get("immediate", False))


@contextlib.contextmanager
def collected() -> Iterator[list[Job]]:
    jobs: list[Job] = []
    token = _collected.set(jobs)
    try:
        yield jobs
    finally:
        _collected.reset(token)


def beat(model: type[Model], pk: int, **fields: Any) -> None:
    """A running job says it is alive (`heartbeat_at`), moving its counters in the same UPDATE."""
    model._default_manager.filter(pk=pk).update(heartbeat_at=timezone.now(), **fields)


def silent_jobs(running: QuerySet[Any], minutes: float, limit: int = 1000) -> list[int]:
    """Ids of the jobs in `running` (rows queued or running, with `heartbeat_at` and
    `created_at`) whose worker has been silent for `minutes`: lost in a crash, since a worker
    takes a task off the queue before it runs it."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    silent = Q(heartbeat_at__lte=cutoff) | Q(heartbeat_at__isnull=True, created_at__lte=cutoff)
    return list(running.filter(silent).order_by("id").values_list("pk", flat=True)[:limit])
