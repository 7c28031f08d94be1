"""The Monday-morning locust scenario (bench/locustfile.py) against the embedded installation
(`make run`: one `hoso serve` = waitress web process + its task worker, SQLite), with CPU shares.

    .venv/bin/pip install -c requirements.lock -e '.[bench]'      # locust, once
    .venv/bin/python bench/bench_load.py                          # 25 users, 3 minutes
    .venv/bin/python bench/bench_load.py --users 10 --minutes 1 --keep

Makes a throw-away data directory with the demo province (dropped at the end unless --keep;
--data-dir reuses one), starts `hoso serve` on a free port exactly as `make run` does, runs
locust headless, and prints per page and operation: requests, failures, requests/s, p50, p95,
p99 (ms); then the CPU used during the run by the web process, the worker and the load
generator (seconds and share of the machine's two cores), the web process's peak RSS and the
machine's load average before and after (the box is shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def locust_command(
    *, users: int, spawn_rate: int | float, minutes: float, host: str, csv_prefix: str
) -> list[str]:
    """locust headless on bench/locustfile.py, its figures in CSV files under `csv_prefix`
    (also run by bench/bench_restarts.py)."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{int(minutes * 60)}s",
        "-H",
        host,
        "--csv",
        csv_prefix,
    ]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--data-dir", help="use (and fill if empty) this data directory")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="hoso-bench-load-"))
    data_dir = Path(args.data_dir).resolve() if args.data_dir else temp / "data"
    env = {**os.environ, "HOSO_DATA_DIR": str(data_dir), "HOSO_DEMO_MODE": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("HOSO_REDIS_URL", None)
    env["HOSO_RATELIMIT"] = "0"  # 25 simulated people share one address here
    hoso = [sys.executable, "-m", "hoso.cli"]
    server = None
    try:
        if not (data_dir / "hoso.sqlite3").exists():
            print(f"loading the demo province into {data_dir} …", flush=True)
            subprocess.run([*hoso, "migrate", "--noinput", "-v0"], env=env, check=True)
            subprocess.run([*hoso, "demo", "--if-empty"], env=env, check=True)
        port = free_port()
        server = subprocess.Popen([*hoso, "serve", "--port", str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        workers = children_of(server.pid)
        before = {
            "web": cpu_seconds(server.pid),
            "worker": sum(cpu_seconds(w) for w in workers),
        }
        machine_before = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        load_before = loadavg()
        started = time.time()
        prefix = str(temp / "locust")
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust = subprocess.Popen(
            locust_command(
                users=args.users,
                spawn_rate=args.spawn_rate,
                minutes=args.minutes,
                host=base,
                csv_prefix=prefix,
            ),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        peak_rss = 0.0
        while locust.poll() is None:
            peak_rss = max(peak_rss, rss_mb(server.pid))
            time.sleep(1)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, now reaped
        locust_cpu = (after.ru_utime - reaped.ru_utime) + (after.ru_stime - reaped.ru_stime)
        elapsed = time.time() - started
        load_after = loadavg()
        used = {
            "web": cpu_seconds(server.pid) - before["web"],
            "worker": sum(cpu_seconds(w) for w in workers) - before["worker"],
            "load generator (locust)": locust_cpu,
        }
        machine_after = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        busy = sum(
            int(a) - int(b)
            for i, (a, b) in enumerate(zip(machine_after, machine_before, strict=False))
            if i not in (3, 4)  # idle, iowait
        )
        report(prefix, args, elapsed, used, busy / TICK, peak_rss, load_before, load_after)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"kept: {data_dir}")
        elif not args.data_dir:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            shutil.rmtree(temp / "locust_stats.csv", ignore_errors=True)


def report(
    prefix: str,
    args: argparse.Namespace,
    elapsed: float,
    used: dict[str, float],
    machine_busy: float,
    peak_rss: float,
    load_before: str,
    load_after: str,
) -> None:
    print(
        f"\n{args.users} users, {elapsed:.0f} s, embedded server (SQLite, 1 web process with "
        f"8 threads + worker); load average before {load_before}, after {load_after}\n"
    )
    print("| page / operation | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    with open(prefix + "_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
            print(
                f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} | "
                f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
            )
    failures = Path(prefix + "_failures.csv")
    if failures.exists():
        rows = list(csv.DictReader(failures.open()))
        for row in rows[:10]:
            print(f"failure: {row}")
    print("\n| process | CPU s | share of 2 cores |")
    print("|---|---|---|")
    for name, seconds in used.items():
        print(f"| {name} | {seconds:.1f} | {100 * seconds / (2 * elapsed):.0f} % |")
    print(
        f"| whole machine (all users of the box) | {machine_busy:.1f} | "
        f"{100 * machine_busy / (2 * elapsed):.0f} % |"
    )
    print(f"\nweb process peak RSS: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
