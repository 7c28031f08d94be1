"""Enqueue background work after the current transaction commits, or collect it instead
(the demo loader collects, then does the work in bulk: one index commit, not hundreds)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import transaction

Job = tuple[Callable[..., Any], tuple[Any, ...]]
_collected: ContextVar[list[Job] | None] = ContextVar("collected_jobs", default=None)


def later(task: Callable[..., Any], *args: Any) -> None:
    bucket = _collected.get()
    if bucket is not None:
        bucket.append((task, args))
        return
    transaction.on_commit(lambda: task(*args))


@contextlib.contextmanager
def collected() -> Iterator[list[Job]]:
    jobs: list[Job] = []
    token = _collected.set(jobs)
    try:
        yield jobs
    finally:
        _collected.reset(token)
