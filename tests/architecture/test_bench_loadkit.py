"""bench/loadkit.py: the load benches' verdicts on the issue's targets are computed from the
measured figures, and the PostgreSQL processes are told apart by database."""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from bench import loadkit
from bench.loadkit import Meter, Row, Run, postgres_processes, targets


def run(*rows: Row, users: int = 50, rss: float = 150.0, embedded: bool = False) -> Run:
    requests = sum(r.requests for r in rows)
    failures = sum(r.failures for r in rows)
    total = Row("", "**all**", requests, failures, sum(r.rps for r in rows), 0, 0, 0)
    return Run(
        title="test",
        users=users,
        rows=[*rows, total],
        failures=Counter(),
        elapsed=60.0,
        cpu={},
        machine=0.0,
        web_rss={"web1": rss},
        load_before="0 0 0",
        load_after="0 0 0",
        embedded=embedded,
    )


def verdicts(measured: Run) -> dict[str, str]:
    """target's first two words → verdict"""
    return {" ".join(target.split()[:2]): met for target, _, met in targets(measured)}


def test_every_target_met_when_the_figures_are_within_them() -> None:
    measured = run(
        Row("POST", loadkit.UPLOAD_NAME, 2400, 0, 40.0, 100, 450, 600),
        Row("GET", "home", 5000, 0, 80.0, 20, 150, 300),
        Row("GET", "/ho-so/tim-kiem/", 600, 0, 10.0, 40, 200, 400),
    )
    assert set(verdicts(measured).values()) == {"met"}


def test_each_target_judged_from_its_own_figure() -> None:
    measured = run(
        # 40 req/s but a quarter failed: 30 successful uploads/s is still met; p95 is not.
        Row("POST", loadkit.UPLOAD_NAME, 2400, 600, 40.0, 100, 501, 600),
        Row("GET", "home", 5000, 0, 80.0, 20, 150, 300),
        Row("GET", "/ho-so/tinh-hinh-nop/ (dashboard)", 600, 0, 10.0, 40, 201, 400),
        rss=201.0,
    )
    got = verdicts(measured)
    assert got["0 errors"] == "NOT met"
    assert got["uploads ≥"] == "met"
    assert got["every page"] == "NOT met"
    assert got["upload p95"] == "NOT met"
    assert got["web process"] == "NOT met"
    slowest = next(m for t, m, _ in targets(measured) if t.startswith("every page"))
    assert "dashboard" in slowest


def test_latency_verdicts_say_when_the_run_had_fewer_users_than_the_target() -> None:
    measured = run(Row("POST", loadkit.UPLOAD_NAME, 10, 0, 0.3, 100, 450, 600), users=5)
    got = verdicts(measured)
    assert got["upload p95"] == "met (at 5 users, not 50)"
    assert got["uploads ≥"] == "NOT met"


def test_the_embedded_target_is_three_times_the_old_rate() -> None:
    slow = run(Row("GET", "home", 3900, 0, 65.0, 20, 150, 300), users=25, embedded=True)
    fast = run(Row("GET", "home", 4000, 0, 67.0, 20, 150, 300), users=25, embedded=True)
    assert verdicts(slow)["embedded at"] == "NOT met"
    assert verdicts(fast)["embedded at"] == "met"


def test_postgres_processes_by_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        loadkit,
        "processes_named",
        lambda name: [
            (1, "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main"),
            (2, "postgres: 15/main: checkpointer"),
            (3, "postgres: 15/main: postgres hoso_run 127.0.0.1(51000) idle"),
            (4, "postgres: 15/main: postgres hoso_run_other 127.0.0.1(51002) SELECT"),
            (5, "postgres: 15/main: postgres test_x [local] idle"),
            (6, "postgres: 15/main: autovacuum worker hoso_run"),
        ],
    )
    assert postgres_processes("hoso_run") == {"ours": [3, 6], "server": [1, 2], "other": [4, 5]}


def test_the_meter_counts_cpu_from_its_first_reading() -> None:
    meter = Meter(lambda: {"me": [os.getpid()]}, interval=0.05)
    meter.start()
    began = time.process_time()
    while time.process_time() - began < 0.3:
        sum(range(10_000))
    meter.finish()
    assert 0.2 < meter.cpu()["me"] < 1.0  # this loop, not what the process used before
    assert meter.peak_rss["me"] > 1
