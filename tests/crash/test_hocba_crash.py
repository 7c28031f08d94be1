"""Học bạ batches while the worker is SIGKILLed at random moments and restarted: the GVCN makes
the class's học bạ in one batch (lập), then the GVCN, the principal and the văn thư (the school
seal) each sign the class in one batch (ký). After every kill the recovery sweep queues the lost
batch again, as `jobs_recover_tick` does every 10 minutes. Proves: every batch ends with every
pupil done; each pupil has exactly one học bạ, issued, signed once at each step, valid for
pyHanko and intact for pdfsig; the audit chain and the blob store verify.

CI runs HOSO_CRASH_HOCBA=5 pupils and 2 kills per batch; the full run takes the whole class:
    HOSO_CRASH_HOCBA=22 HOSO_CRASH_HOCBA_KILLS=8 .venv/bin/pytest tests/crash -m crash -s -k hocba
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.crash.harness import Installation, own_database

PUPILS = int(os.environ.get("HOSO_CRASH_HOCBA", "5"))
KILLS_PER_BATCH = int(os.environ.get("HOSO_CRASH_HOCBA_KILLS", "2"))
INSPECT = "tests.crash.inspect_hocba"
STEPS = [
    ("create", "th1.giaovien2"),  # GVCN of 1B: lập
    ("sign", "th1.giaovien2"),  # GVCN ký
    ("sign", "th1.hieutruong"),  # hiệu trưởng ký
    ("sign", "th1.vanthu"),  # văn thư đóng dấu
]

# All or nothing under SIGKILL is the batch's logic over transactions both engines keep: one pass
# of `make test`, on the engine a province runs (the upload crash test runs on both).
pytestmark = [pytest.mark.crash, pytest.mark.one_pass("postgresql")]


@pytest.fixture
def database_url() -> Iterator[str]:
    url, cleanup = own_database()
    yield url
    cleanup()


def _state(site: Installation, batch_id: int) -> dict[str, Any]:
    return dict(site.script_module(INSPECT, "batch", str(batch_id)))


def _progress(site: Installation, batch_id: int) -> tuple[int, int, str]:
    """(items ended, total, status) read straight from the database: fast enough to poll while
    the worker goes from one pupil to the next."""
    sql = "SELECT done + failed, total, status FROM grading_hocbabatch WHERE id = %s"
    if site.database_url:
        import psycopg

        with psycopg.connect(site.database_url) as conn:
            row = conn.execute(sql, (batch_id,)).fetchone()
    else:
        uri = f"file:{site.data_dir / 'hoso.sqlite3'}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as conn:
            row = conn.execute(sql.replace("%s", "?"), (batch_id,)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), str(row[2])


def _run_with_kills(
    site: Installation, batch_id: int, rng: random.Random, tally: dict[str, int]
) -> dict[str, Any]:
    """Kill the worker when the batch has reached each of a few random points (a random moment
    after a pupil is done: mid-way through the next one, or between two), then let it finish."""
    _, total, _ = _progress(site, batch_id)
    targets = sorted(rng.sample(range(1, total), min(KILLS_PER_BATCH, total - 1)))
    deadline = time.monotonic() + max(300, PUPILS * 40)
    while True:
        ended, _, status = _progress(site, batch_id)
        if status == "done":
            return _state(site, batch_id)
        assert time.monotonic() < deadline, f"batch {batch_id} never finished: {status}"
        if targets and ended >= targets[0]:
            targets.pop(0)
            time.sleep(rng.uniform(0, 0.2))  # mid-way through the next pupil, or between
            site.kill("worker")
            ended, total, _ = _progress(site, batch_id)
            if 0 < ended < total:
                tally["mid_batch"] += 1  # killed with part of the class done
            site.start_worker()
            # The periodic sweep, compressed in time: the killed worker's task is gone.
            site.run("hoso.cli", "recover_jobs", "--older-than", "0")
        time.sleep(0.05)


def test_hocba_batches_survive_sigkill_of_the_worker(tmp_path: Path, database_url: str) -> None:
    site = Installation(tmp_path / "data", database_url=database_url)
    site.setup()
    pupils = [str(p) for p in site.script_module(INSPECT, "prepare", str(PUPILS))]
    assert len(pupils) == PUPILS
    rng, tally = random.Random(11), {"mid_batch": 0}
    started = time.monotonic()
    states = []
    signable: list[str] | None = None
    site.start_worker()
    try:
        for kind, user in STEPS:
            if kind == "sign" and signable is None:
                signable = [str(p) for p in site.script_module(INSPECT, "signable", *pupils)]
            batch_id = site.script_module(INSPECT, "queue", kind, user, *pupils)
            states.append(_run_with_kills(site, batch_id, rng, tally))
    finally:
        site.stop()
    assert signable is not None
    result = site.script_module(INSPECT, "check", *signable)

    print(  # noqa: T201 — the figures of the run
        f"\nhọc bạ crash test: {PUPILS} pupils ({len(signable)} with every datum to sign), "
        f"{len(STEPS)} batches, worker kills {site.kills['worker']} "
        f"({tally['mid_batch']} with the batch part done), "
        f"batches {[(s['done'], s['failed'], s['total']) for s in states]}, "
        f"issued {result['issued']}, {time.monotonic() - started:.0f} s"
    )
    totals = [PUPILS] + [len(signable)] * 3
    assert [(s["done"], s["failed"], s["messages"]) for s in states] == [
        (total, 0, []) for total in totals
    ]
    assert len(signable) >= PUPILS - 1
    assert result["bad"] == [], result["bad"]
    assert result["issued"] == len(signable)
    assert tally["mid_batch"] >= 1  # a loaded machine may finish a small batch first
    assert site.script("audit")["problem"] is None
    site.run("hoso.cli", "scrub", "--no-notify")
