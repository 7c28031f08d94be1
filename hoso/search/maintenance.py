"""Keeping the search index in step with the database: rebuild it, remove records from it.

``search_reindex`` rebuilds the index of the configured backend (tantivy or PostgreSQL) from
the records, in batches of record ids, writing a checkpoint after each batch so an
interrupted rebuild goes on where it stopped. ``delete_record_entries`` removes records'
entries at once (destruction of records at the end of their retention period).
``search_warm`` reads the index into the OS cache (``hoso search warm``, and ``hoso serve`` at
start).

What the index holds is registered by the app that owns the documents (hoso.records, from its
AppConfig.ready()): search stays an engine that knows no domain app.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from hoso.search.engine import SearchBackend

log = logging.getLogger(__name__)

CHECKPOINT_NAME = "search-reindex.json"
DEFAULT_BATCH = 500


@dataclass(frozen=True)
class IndexSource:
    backend: Callable[[], SearchBackend]  # the configured backend
    documents: Callable[[], QuerySet[Any]]  # every indexed object, by id
    index: Callable[[list[int]], int]  # (re)index these ids, one backend commit


_SOURCE: list[IndexSource] = []


def register_index_source(source: IndexSource) -> None:
    _SOURCE[:] = [source]


def index_source() -> IndexSource:
    if not _SOURCE:
        raise LookupError("No search index source registered (hoso.records registers it)")
    return _SOURCE[0]


@dataclass(frozen=True, slots=True)
class ReindexProgress:
    done: int
    total: int
    last_id: int
    resumed: bool


def delete_record_entries(record_ids: Iterable[int]) -> None:
    """Remove these records from the search index (both backends; unknown ids are ignored).

    Not transactional for the embedded index: call it once the deletion has committed
    (``transaction.on_commit``), so a rolled-back destruction keeps its records findable.
    """
    ids = sorted({int(i) for i in record_ids})
    if ids:
        index_source().backend().delete(ids)


def checkpoint_path() -> Path:
    # Beside the index, not in it (tantivy owns its directory); left out of backups.
    return Path(settings.DATA_DIR) / CHECKPOINT_NAME


def _backend_name() -> str:
    return type(index_source().backend()).__name__


def _read_checkpoint() -> dict[str, int | str] | None:
    try:
        data = json.loads(checkpoint_path().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("backend") == _backend_name() else None


def _write_checkpoint(last_id: int, done: int) -> None:
    path = checkpoint_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"backend": _backend_name(), "last_id": last_id, "done": done}))
    os.replace(tmp, path)


def search_reindex(
    *,
    batch: int = DEFAULT_BATCH,
    restart: bool = False,
    progress: Callable[[ReindexProgress], None] | None = None,
) -> ReindexProgress:
    """Rebuild the index from every record, oldest id first; resume after an interruption.

    Without a checkpoint (or with ``restart``) the index is cleared first, so records that no
    longer exist disappear from it. Each batch is one backend commit.
    """
    source = index_source()
    backend = source.backend()
    state = None if restart else _read_checkpoint()
    resumed = state is not None
    last_id, done = (int(state["last_id"]), int(state["done"])) if state else (0, 0)
    if not resumed:
        backend.clear()
        _write_checkpoint(0, 0)
    ids = source.documents().order_by("pk").values_list("pk", flat=True)
    total = done + ids.filter(pk__gt=last_id).count()
    current = ReindexProgress(done, total, last_id, resumed)
    while chunk := list(ids.filter(pk__gt=last_id)[: max(1, batch)]):
        source.index(chunk)
        last_id, done = chunk[-1], done + len(chunk)
        _write_checkpoint(last_id, done)
        current = ReindexProgress(done, total, last_id, resumed)
        if progress is not None:
            progress(current)
    analyze = getattr(backend, "analyze", None)
    if analyze is not None:
        analyze()  # fresh statistics: the PostgreSQL plans are chosen from them
    checkpoint_path().unlink(missing_ok=True)
    return current


def search_warm() -> int:
    """Read the configured backend's index into the OS cache; returns the bytes read. After a
    restart the first searches otherwise each wait for the disk (docs/benchmarks.md)."""
    return index_source().backend().warm()


def search_warm_in_background() -> threading.Thread:
    """``search_warm`` in a daemon thread, for a web process that has just started: a failure
    is logged, never raised (searching works without it, only slower at first)."""

    def run() -> None:
        started = time.perf_counter()
        try:
            size = search_warm()
        except Exception:
            log.exception("search index warm-up failed")
        else:
            took = time.perf_counter() - started
            log.info("search index warmed: %.0f MB in %.1f s", size / 1e6, took)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="hoso-search-warm", daemon=True)
    thread.start()
    return thread
