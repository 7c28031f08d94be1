"""Crash safety with real processes: uploads and signing jobs over HTTP while the web server and
the worker are SIGKILLed at random moments and restarted. Proves: every acknowledged upload is
stored once and intact; nothing unacknowledged is stored twice; every background job ends (no
version stuck "pending", no batch left running); no PDF is half-signed (every signed version is
valid for pyHanko and intact for pdfsig, every unsigned one untouched); no document is signed
twice or gets a second version; the audit chain and the blob store verify.

Signing jobs (HOSO_CRASH_SIGNING): records waiting for a principal, half signed one by one
through the API, half in batches of 5 run by the worker (tests/crash/signing.py).

CI runs a reduced form (HOSO_CRASH_UPLOADS, default 60; HOSO_CRASH_SIGNING, default 20). The
full run (docs/operations.md):
    HOSO_CRASH_UPLOADS=1000 HOSO_CRASH_SIGNING=100 .venv/bin/pytest tests/crash -m crash -s
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from tests.crash.harness import Installation, multipart, own_database, post
from tests.crash.signing import SIGNING, SigningJobs, check_signing, drain_signing

UPLOADS = int(os.environ.get("HOSO_CRASH_UPLOADS", "60"))
CLIENTS = 4
TEACHERS = ["th1.giaovien1", "th1.giaovien2", "thcs1.giaovien1", "th2.giaovien1"]
RECORD_TYPE = "TT28.KHBD"
FINAL_STATES = {"done", "failed", "unavailable", "not_needed"}

# One pass (SQLite, the embedded default): whether an acknowledged upload survives a SIGKILL
# is HoSo's write order (file fsynced before its row commits); PostgreSQL meets killed web
# processes in tests/scaled/test_scaled_command.py and the restart drill (bench/bench_restarts.py).
pytestmark = [pytest.mark.crash, pytest.mark.one_pass("sqlite")]


def unique_pdf(n: int) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = f"Kế hoạch bài dạy số {n} — {os.urandom(8).hex()}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


class Uploads:
    """Shared state of the client threads."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.lock = threading.Lock()
        self.acknowledged: dict[str, str] = {}  # sha256 → teacher
        self.unacknowledged: set[str] = set()
        self.sent = 0
        self.errors: list[str] = []
        self.broken = False  # the harness itself failed (a restart timed out): stop sending

    def next_number(self) -> int | None:
        with self.lock:
            if len(self.acknowledged) >= self.target or self.broken:
                return None
            self.sent += 1
            return self.sent


def _client(
    site: Installation,
    tokens: dict[str, str],
    slots: dict[str, list[str]],
    state: Uploads,
    seed: int,
) -> None:
    rng = random.Random(seed)
    while (number := state.next_number()) is not None:
        teacher = rng.choice(sorted(slots))
        period = rng.choice(slots[teacher])  # a week whose record is still a draft
        data = unique_pdf(number)
        sha = hashlib.sha256(data).hexdigest()
        body, content_type = multipart(
            {"record_type": RECORD_TYPE, "title": f"Bài {number}", "period": period},
            {"file": (f"ke-hoach-{number}.pdf", data, "application/pdf")},
        )
        try:
            status, payload = post(
                f"{site.base}/api/v1/records/", tokens[teacher], body, content_type
            )
        except (OSError, http.client.HTTPException):  # server killed mid-request: not acknowledged
            status, payload = 0, b""
        with state.lock:
            if status == 201:
                state.acknowledged[sha] = teacher
            else:
                state.unacknowledged.add(sha)
                if status not in (0, 503) and len(state.errors) < 20:
                    state.errors.append(f"{status}: {payload!r}")
        if status == 0:
            time.sleep(0.3)


def _chaos(site: Installation, state: Uploads, stop: threading.Event, seed: int) -> None:
    """Kill after a random number of acknowledged uploads (5–25) or 6 s, whichever first: the
    kills land at random moments of the upload / render cycle, and progress is guaranteed even
    on a slow machine."""
    rng = random.Random(seed)
    while not stop.is_set():
        goal, deadline = len(state.acknowledged) + rng.randint(5, 25), time.monotonic() + 6
        while len(state.acknowledged) < goal and time.monotonic() < deadline:
            if stop.wait(0.05 + rng.random() * 0.2):
                return
        which = rng.choice(["web", "worker", "web", "both"])
        try:
            for name in ["web", "worker"] if which == "both" else [which]:
                site.restart(name)
        except RuntimeError as error:
            with state.lock:
                state.errors.append(f"harness: {error}")
                state.broken = True
            return


@pytest.fixture
def database_url() -> Iterator[str]:
    """Empty on SQLite (a file in the installation); on PostgreSQL a database of its own."""
    url, cleanup = own_database()
    yield url
    cleanup()


def test_uploads_survive_sigkill_of_web_server_and_worker(tmp_path: Path, database_url: str):
    site = Installation(tmp_path / "data", database_url=database_url)
    site.setup()
    tokens = {teacher: site.script("token", teacher) for teacher in TEACHERS}
    slots = site.script("slots", RECORD_TYPE, *TEACHERS)
    assert len(slots) >= 2, slots
    before = site.script("uploads")
    jobs = SigningJobs(site, site.script("signables", str(SIGNING)))
    site.start_web()
    site.start_worker()
    state, stop = Uploads(UPLOADS), threading.Event()
    started = time.monotonic()
    try:
        chaos = threading.Thread(target=_chaos, args=(site, state, stop, 7))
        clients = [
            threading.Thread(target=_client, args=(site, tokens, slots, state, i))
            for i in range(CLIENTS)
        ] + jobs.threads()
        chaos.start()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        stop.set()
        chaos.join()
        site.restart("web")
        site.restart("worker")
        # What the periodic sweep (hoso.ops.tasks.jobs_recover_tick) does every 10 minutes:
        # tasks the killed worker had taken off the queue are queued again.
        stuck_before_recovery = site.script("uploads")["states"].get("pending", 0)
        site.run("hoso.cli", "recover_jobs", "--older-than", "0")
        after = _drained(site, timeout=max(300, UPLOADS * 3))
        signed = drain_signing(site, timeout=max(300, SIGNING * 6))
    finally:
        site.stop()

    print(  # noqa: T201 — the figures of the run
        f"\ncrash test: {state.sent} uploads sent, {len(state.acknowledged)} acknowledged, "
        f"kills web={site.kills['web']} worker={site.kills['worker']}, "
        f"pending before recovery={stuck_before_recovery}, states={after['states']}, "
        f"{jobs.summary(signed)}, {time.monotonic() - started:.0f} s"
    )
    assert state.errors == [], state.errors
    check_signing(jobs, signed)
    assert site.kills["web"] + site.kills["worker"] >= 3
    by_sha = after["by_sha"]
    lost = [sha for sha in state.acknowledged if by_sha.get(sha, 0) == 0]
    doubled = [sha for sha, count in by_sha.items() if count > 1 and sha not in before["by_sha"]]
    assert lost == [], f"{len(lost)} acknowledged uploads lost"
    assert doubled == [], f"{len(doubled)} uploads stored twice"
    assert after["broken"] == []
    assert set(after["states"]) <= FINAL_STATES, f"jobs never finished: {after['states']}"
    assert site.script("audit")["problem"] is None
    site.run("hoso.cli", "scrub", "--no-notify")


def _drained(site: Installation, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    rounds = 0
    while True:
        snapshot = site.script("uploads")
        if set(snapshot["states"]) <= FINAL_STATES or time.monotonic() > deadline:
            return snapshot
        rounds += 1
        if rounds % 10 == 0:  # the periodic sweep, compressed in time
            site.run("hoso.cli", "recover_jobs", "--older-than", "0.5")
        time.sleep(3)
