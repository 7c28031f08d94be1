"""Restarts under load (issue 20 item 5): the Monday-morning locust scenario against the scaled
installation (`hoso scaled`: 2 web processes behind HAProxy, 1 worker, PostgreSQL, Redis, an
S3-compatible store) while, one after the other, PostgreSQL and Redis go away, a web process
and a worker are SIGKILLed and the object store is unreachable for 30 s.

    .venv/bin/python bench/bench_restarts.py                 # 10 users, 2 minutes
    .venv/bin/python bench/bench_restarts.py --users 20 --minutes 5 --keep

PostgreSQL and Redis are the machine's own, shared with other people's test runs: restarting
them (`pg_ctlcluster 15 main restart`) would break those runs. So each is reached through a TCP
proxy of this script, and "restart" means what clients of a restarting server see: every open
connection is cut and new ones are refused for the outage (10 s), then accepted again. The
store is moto in server mode (the storage tests' wire-level stand-in) behind a proxy as well,
cut for 30 s. A web process and a worker are killed with SIGKILL; `hoso scaled` starts them
again.

Beside locust, a witness client uploads unique PDFs through the API as one teacher locust does
not use, and records the hash of every upload answered 201 and the status of every other
answer. Afterwards (the queue drained, `hoso recover_jobs` run) it checks, in the installation's
own database and store: every acknowledged upload is there once with its hash and its file
verifies; no version was stored twice; every rendition finished; the audit chain verifies;
and which answers users got during the outages: 503 with a retry message (HoSo's or HAProxy's
page), not 500. Prints the figures and the load average (the machine is shared: read them
with it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadkit import (  # noqa: E402
    Scaled,
    admin_sql,
    clean_environment,
    free_port,
    loadavg,
    locust_command,
    locust_failures,
    locust_rows,
    port_free,
    start_moto,
    stop,
)

OUTAGE_SECONDS = 10.0
STORE_OUTAGE_SECONDS = 30.0
RETRY_WORDS = ("thử lại", "tạm gián đoạn")


class CuttableProxy:
    """A TCP proxy on loopback whose connections can all be cut, refusing new ones for a while:
    what the clients of a restarting server see."""

    def __init__(self, name: str, target_port: int) -> None:
        self.name = name
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.down_until = 0.0
        self.writers: set[asyncio.StreamWriter] = set()
        self.cuts = 0
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        ready.set()
        with contextlib.suppress(Exception):
            self.loop.run_until_complete(server.serve_forever())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if time.monotonic() < self.down_until:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers.update({writer, up_writer})

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.writers.difference_update({writer, up_writer})

    def cut(self, seconds: float) -> None:
        """Close every connection now and refuse new ones for `seconds`."""
        self.cuts += 1
        self.down_until = time.monotonic() + seconds

        def close_all() -> None:
            for writer in list(self.writers):
                transport = writer.transport
                with contextlib.suppress(Exception):
                    transport.abort()
            self.writers.clear()

        self.loop.call_soon_threadsafe(close_all)


class Witness:
    """One teacher uploading unique PDFs through the API, one after the other."""

    def __init__(self, base: str, token: str, periods: list[str], record_type: str) -> None:
        self.base = base
        self.token = token
        self.periods = periods
        self.record_type = record_type
        self.acknowledged: dict[str, int] = {}  # sha256 → record id
        self.statuses: Counter[int] = Counter()
        self.retry_message: Counter[int] = Counter()  # non-2xx answers that said "try again"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from hoso.records.pdfmaker import simple_pdf

        number = 0
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        while not self.stop.is_set():
            number += 1
            data = simple_pdf(f"Kế hoạch {number} {os.urandom(6).hex()}", ["Tuần"], pad_to=300_000)
            sha = hashlib.sha256(data).hexdigest()
            try:
                response = session.post(
                    f"{self.base}/api/v1/records/",
                    data={
                        "record_type": self.record_type,
                        "title": f"Bài {number}",
                        "period": self.periods[number % len(self.periods)],
                    },
                    files={"file": (f"bai-{number}.pdf", data, "application/pdf")},
                    timeout=120,
                )
                status, text = response.status_code, response.text
            except requests.RequestException:
                status, text = 0, ""
            self.statuses[status] += 1
            if status == 201:
                self.acknowledged[sha] = int(response.json().get("id", 0))
            elif any(word in said(text) for word in RETRY_WORDS):
                self.retry_message[status] += 1
            time.sleep(0.3 if status == 201 else 1.0)


def said(text: str) -> str:
    """What an answer says: the message of HoSo's JSON errors, else the page's text."""
    with contextlib.suppress(ValueError, AttributeError):
        return str(json.loads(text).get("message", ""))
    return text


def main() -> None:  # noqa: C901, PLR0915 — one drill, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres-port", type=int, default=5432)
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the database and folder")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="hoso-bench-restarts-"))
    database = "hoso_bench_restarts"
    moto_port = free_port()
    moto = start_moto(moto_port)
    pg = CuttableProxy("PostgreSQL", args.postgres_port)
    redis = CuttableProxy("Redis", args.redis_port)
    store = CuttableProxy("S3", moto_port)
    port = free_port()
    while any(not port_free(port + i) for i in (1, 2, 3, 4, 99)):
        port = free_port()
    hoso = [sys.executable, "-m", "hoso.cli"]
    base_env = clean_environment(HOSO_DATA_DIR=str(temp / "own"))
    admin_sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", args.postgres_port)
    scaled = Scaled(
        web=args.web,
        workers=args.workers,
        port=port,
        database_url=f"postgres://postgres@127.0.0.1:{pg.port}/{database}",
        redis_url=f"redis://127.0.0.1:{redis.port}/{args.redis_db}",
        s3_endpoint=f"http://127.0.0.1:{store.port}",
        data_dir=temp / "scaled",
        env=base_env,
    )
    pids = scaled.pids
    try:
        print(f"starting `hoso scaled` (demo province into {database}) …", flush=True)
        scaled.wait_ready(timeout=1200)
        base = scaled.base
        env = scaled.environment()
        # The checks read the database and the store directly, not through the proxies.
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{args.postgres_port}/{database}"
        env["HOSO_REDIS_URL"] = f"redis://127.0.0.1:{args.redis_port}/{args.redis_db}"
        env["HOSO_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{moto_port}"

        teacher, record_type = "th2.giaovien1", "TT28.KHBD"  # not one of locust's teachers
        token = inspect(env, "token", teacher)
        periods = inspect(env, "slots", record_type, teacher).get(teacher) or []
        if not periods:
            raise SystemExit(f"{teacher} has no free period for {record_type}")
        witness = Witness(base, token, periods, record_type)

        before_load = loadavg()
        prefix = str(temp / "locust")
        locust = subprocess.Popen(
            locust_command(
                users=args.users, spawn_rate=5, minutes=args.minutes, host=base, csv_prefix=prefix
            ),
            env=base_env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(temp / "locust.log", "wb"),  # noqa: SIM115 — lives as long as locust
        )
        time.sleep(5)
        if locust.poll() is not None:
            raise SystemExit(
                "locust did not start (pip install -c requirements.lock -e '.[bench]'):\n"
                + (temp / "locust.log").read_text()[-3000:]
            )
        witness.thread.start()
        started = time.monotonic()
        span = args.minutes * 60
        events: list[tuple[float, str]] = []

        def at(fraction: float) -> None:
            while time.monotonic() - started < fraction * span and locust.poll() is None:
                time.sleep(0.2)

        def note(what: str) -> None:
            events.append((time.monotonic() - started, what))
            print(f"  {events[-1][0]:6.1f} s  {what}", flush=True)

        at(0.12)
        pg.cut(OUTAGE_SECONDS)
        note(f"PostgreSQL: every connection cut, refused for {OUTAGE_SECONDS:.0f} s")
        at(0.28)
        redis.cut(OUTAGE_SECONDS)
        note(f"Redis: every connection cut, refused for {OUTAGE_SECONDS:.0f} s")
        at(0.42)
        os.kill(pids["web1"], signal.SIGKILL)
        note(f"web1 (pid {pids['web1']}) SIGKILLed")
        at(0.50)
        os.kill(pids["worker1"], signal.SIGKILL)
        note(f"worker1 (pid {pids['worker1']}) SIGKILLed")
        at(0.58)
        store.cut(STORE_OUTAGE_SECONDS)
        note(f"object store unreachable for {STORE_OUTAGE_SECONDS:.0f} s")
        locust.wait()
        witness.stop.set()
        witness.thread.join(timeout=180)
        after_load = loadavg()
        print("load over; draining the queue …", flush=True)

        subprocess.run([*hoso, "recover_jobs", "--older-than", "0"], env=env, check=False)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            snapshot = inspect(env, "uploads")
            if not snapshot["states"].get("pending"):
                break
            time.sleep(5)
        snapshot = inspect(env, "uploads")
        audit = inspect(env, "audit")

        lost = [sha for sha in witness.acknowledged if snapshot["by_sha"].get(sha, 0) == 0]
        twice = [sha for sha in witness.acknowledged if snapshot["by_sha"].get(sha, 0) > 1]
        broken = [sha for sha in witness.acknowledged if sha in set(snapshot["broken"])]
        total = next((r for r in locust_rows(prefix) if r.name == "**all**"), None)
        failures = locust_failures(prefix)
        restarts = scaled.restarts()

        print()
        print(f"load average before / after: {before_load} / {after_load}")
        if total is not None:
            print(
                f"locust: {total.requests} requests, {total.failures} failures, "
                f"{total.rps:.1f} req/s, p95 {total.p95:.0f} ms"
            )
        for error, count in failures.most_common():
            print(f"  {count:5d} × {error}")
        print(
            f"witness uploads: {sum(witness.statuses.values())} sent, "
            f"{len(witness.acknowledged)} acknowledged (201); answers {dict(witness.statuses)}; "
            f"non-2xx answers with a retry message: {dict(witness.retry_message)}"
        )
        print(
            f"acknowledged uploads lost: {len(lost)}, stored twice: {len(twice)}, "
            f"file missing or corrupt: {len(broken)}"
        )
        print(
            f"all versions: {snapshot['count']}, rendition states {snapshot['states']}, "
            f"stored files broken: {len(snapshot['broken'])}"
        )
        print(f"audit chain: {audit}")
        print(f"processes started again by hoso scaled: {len(restarts)}")
        for line in restarts:
            print(f"  {line}")
        print(
            "HTTP 500 answers seen: "
            f"{witness.statuses.get(500, 0) + sum(c for e, c in failures.items() if '500' in e)}"
        )
    finally:
        scaled.stop()
        stop(moto)
        if not args.keep:
            admin_sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", args.postgres_port)
            shutil.rmtree(temp, ignore_errors=True)
        else:
            print(f"kept: database {database}, folder {temp}")


def inspect(env: dict[str, str], *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "tests.crash.inspect", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "hoso.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"inspect {args}: {result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
