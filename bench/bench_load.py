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
machine's load average before and after (the box is shared: read the figures with it), and
the issue's targets as met or not. The scaled installation: bench/bench_load_scaled.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadkit import (  # noqa: E402
    Meter,
    Run,
    children_of,
    free_port,
    loadavg,
    locust_command,
    report,
)


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
        web = server.pid
        meter = Meter(lambda: {"web": [web], "worker": children_of(web)})
        load_before = loadavg()
        prefix = str(temp / "locust")
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        meter.start()
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
        locust.wait()
        meter.finish()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, now reaped
        locust_cpu = (after.ru_utime - reaped.ru_utime) + (after.ru_stime - reaped.ru_stime)
        cpu = meter.cpu()
        report(
            Run.measured(
                prefix,
                title="embedded server (SQLite, 1 web process with 8 threads + worker)",
                users=args.users,
                elapsed=meter.elapsed,
                cpu={
                    "web (`hoso serve`, 8 threads)": cpu["web"],
                    "worker (run_huey, 2 threads)": cpu["worker"],
                    "load generator (locust)": locust_cpu,
                },
                machine=meter.machine,
                web_rss={"web": meter.peak_rss.get("web", 0.0)},
                web_rss_before={"web": meter.start_rss.get("web", 0.0)},
                load_before=load_before,
                load_after=loadavg(),
                embedded=True,
            )
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"kept: {data_dir}")
        if args.data_dir or not args.keep:  # the data directory is elsewhere, or not kept
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
