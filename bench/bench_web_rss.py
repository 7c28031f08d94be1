"""The web processes' memory under the Monday-morning scenario, against a running installation.

    .venv/bin/python -m hoso.cli scaled --web 1 --workers 1 --port 18700 --no-ratelimit \\
        --database-url postgres://postgres@127.0.0.1:5432/hoso_rss \\
        --redis-url redis://127.0.0.1:6379/12 --data-dir /tmp/rss/data-scaled
    .venv/bin/python bench/bench_web_rss.py --pid WEB1_PID --url http://127.0.0.1:18700
    .venv/bin/python bench/bench_web_rss.py --pid WEB1_PID --users 5 --seconds 60 \\
        --teachers th1.gvbench1,th1.gvbench2,…

`hoso scaled` prints the web processes' pids ("pids: … web1=…"). Each process's peak resident
size (VmHWM) is reset to its current size first (/proc/PID/clear_refs), so the peak printed at
the end is this run's. locust (bench/locustfile.py, 5 users by default, all started in the
first second as bench_load_scaled.py does) runs against `--url`; every 5 s the largest RSS of
each process in those 5 s is printed, then each one's RSS at the end and its peak, the load
average before and after, and locust's figures for all requests, the uploads and the sign-ins.

The demo's 21 teacher accounts run out of weeks to upload after a few runs (uploads are then
refused, correctly, and no longer reach the store): give teacher accounts of their own with
`--teachers` (bench/scaled_province.py `extra_teachers` makes them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadkit import loadavg, locust_command, locust_rows, rss_mb  # noqa: E402

REPORTED = ("**all**", "upload 1 MB PDF", "login")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pid", type=int, action="append", required=True, help="a web process")
    parser.add_argument("--url", default="http://127.0.0.1:18700")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--teachers", default="", help="HOSO_LOCUST_TEACHERS")
    args = parser.parse_args()

    for pid in args.pid:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := current RSS
    print(f"load average before: {loadavg()}")
    print("at start: " + ", ".join(f"{pid} {rss_mb(pid):.0f} MB" for pid in args.pid))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if args.teachers:
        env["HOSO_LOCUST_TEACHERS"] = args.teachers
    with tempfile.TemporaryDirectory(prefix="hoso-rss-") as scratch:
        prefix = f"{scratch}/locust"
        command = locust_command(
            users=args.users,
            spawn_rate=args.users,
            minutes=args.seconds / 60,
            host=args.url,
            csv_prefix=prefix,
        )
        with open(f"{scratch}/locust.log", "wb") as log:
            locust = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            watch(locust, args.pid)
        if locust.returncode not in (0, 1):  # 1: some requests failed, still a run
            sys.exit(Path(f"{scratch}/locust.log").read_text()[-3000:])
        rows = [row for row in locust_rows(prefix) if row.name in REPORTED]
    print(
        "at end: "
        + ", ".join(f"{p} {rss_mb(p):.0f} MB, peak {peak_mb(p):.0f} MB" for p in args.pid)
    )
    print(f"load average after: {loadavg()}")
    for row in rows:
        print(
            f"{row.name}: {row.requests} requests, {row.failures} failures, "
            f"p50 {row.p50:.0f} ms, p95 {row.p95:.0f} ms"
        )


def watch(locust: subprocess.Popen[bytes], pids: list[int]) -> None:
    """Every 5 s, each process's largest RSS in those 5 s (read every 0.1 s)."""
    started = time.monotonic()
    window = dict.fromkeys(pids, 0.0)
    report_at = 5.0
    while locust.poll() is None:
        for pid in pids:
            window[pid] = max(window[pid], rss_mb(pid))
        if time.monotonic() - started >= report_at:
            sizes = ", ".join(f"{pid} {mb:.0f} MB" for pid, mb in window.items())
            print(f"t={report_at:3.0f} s  largest RSS: {sizes}", flush=True)
            window = dict.fromkeys(pids, 0.0)
            report_at += 5
        time.sleep(0.1)


if __name__ == "__main__":
    main()
