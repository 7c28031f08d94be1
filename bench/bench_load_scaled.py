"""The Monday-morning locust scenario (bench/locustfile.py) against the scaled installation
(`hoso scaled --web N`: N web processes behind HAProxy, huey workers on Redis, moto as S3,
PostgreSQL) holding a province: issue 20 item 4.

    .venv/bin/pip install -c requirements.lock -e '.[bench]'          # locust, once
    .venv/bin/python bench/bench_load_scaled.py --web 1 --keep        # builds the province once
    .venv/bin/python bench/bench_load_scaled.py --web 4               # reuses it (kept above)
    .venv/bin/python bench/bench_load_scaled.py --compare 1,4         # both, and the ratios
    .venv/bin/python bench/bench_load_scaled.py --schools 20 --users 5 --minutes 0.5   # quick

The database. One PostgreSQL database (`--database-url`, default hoso_bench_load_scaled) is
prepared once: `hoso scaled` loads the demo province into it (the scenario's accounts, the
demo certificates, the record types), then bench/province.py writes a bulk province into the
same database under the demo's Sở: `--schools` (1,000) primary schools in Phòng of 40, each with
3 groups and `--staff` (30) staff, the due items of the current school year for the primary
school's required types (as bench_dashboard.py: before today ~80 % on time, 8 % late, the rest
missing) and the weekly lesson plans of the year before; a record with one issued version for
every submitted item of this year, topped up to 1,000 per school with the latest lesson plans of
the year before, each with the closed workflow and "issued" event a real record has (with
1,000 schools: 30,000 staff, 1,000,000 record versions, all in
so.chuyenvien's completion dashboard and search). The search index is rebuilt with `hoso search
reindex`, the dashboard's summary refreshed. The installation's
files that live beside the database (the demo CA that signs and answers OCSP, the secret key)
and the objects of the S3 bucket (moto keeps them in memory only) are saved into the database
itself (table bench_load_files), so the database alone brings the installation back. The demo
certificates name the demo PKI's address, so a prepared database is always served on the
port it was built with (`--port`, 18400; the web processes on the next ports, the PKI on +99).

Each measured run starts from a copy of the prepared database (`CREATE DATABASE … TEMPLATE`,
dropped afterwards), the saved files and objects put back into a fresh data folder and a fresh
moto, an emptied Redis database (`--redis-url`, db 4): 1 and 4 web processes start from the
same state. The prepared database is dropped at the end unless `--keep`; one that was there
already (`--database-url` of a kept one) is reused and kept. `--rebuild` prepares it again.

Accounts (issue 20 item 4). At 50 users the scenario runs 30 teachers; the demo has 21 teacher
accounts in its three primary/lower-secondary schools, and a teacher runs out of weeks to
upload (35) within minutes. So the preparation makes `--teachers` (600) more teacher accounts,
demo-like: in the groups of th1, thcs1 and th2 in the demo's proportions (th1.gvbench1 … with
the demo password, the GV role, their due items), and locust gets them
(HOSO_LOCUST_TEACHERS): each simulated teacher uses an account of its own and, once it has
uploaded every week of the year, logs in as the next unused one. Their uploads go to the
demo's tổ trưởng and principals as the demo teachers' do. Tổ trưởng/phó hiệu trưởng (2
accounts), principals (3) and chuyên viên (3) stay the demo's accounts, each shared by
several simulated users at 50 users (two of them approving the same record: the second gets
the answer a person would). After the run the bench says how many of the extra accounts were
used: if all were, later uploads were refused and show as failures.

Printed per run: per page and operation requests, failures, req/s, p50/p95/p99 (ms), total;
CPU seconds and share of the machine's cores of each web process and their sum, the workers,
the demo PKI, HAProxy, moto, PostgreSQL (the backends of the run's database, and the server's
own processes, read from /proc: the server runs as user postgres on this machine; backends of
other databases, i.e. other people's tests, are listed apart), Redis (the whole redis-server,
shared), the `hoso scaled` supervisor and locust itself; the whole machine; the web processes'
peak RSS; the load average before and after; the issue's targets as met or not, computed from
these figures. The machine is shared: read every figure with the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadkit import (  # noqa: E402
    Meter,
    Run,
    Scaled,
    clean_environment,
    compare,
    descendants,
    free_port,
    loadavg,
    locust_command,
    port_free,
    postgres_processes,
    processes_named,
    report,
    start_moto,
    stop,
)
from bench.scaled_province import (  # noqa: E402
    DEFAULT_DATABASE,
    DEFAULT_PORT,
    DEFAULT_REDIS,
    drop,
    flush_redis,
    name_of,
    prepared,
    restore_files,
    sql,
    with_name,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--web", type=int, default=1, help="web processes (default 1)")
    parser.add_argument("--compare", default="", help="e.g. 1,4: one run each, then the ratios")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--schools", type=int, help="schools of the bulk province (1000)")
    parser.add_argument("--staff", type=int, default=30, help="staff per school")
    parser.add_argument("--teachers", type=int, default=600, help="extra teacher accounts")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="when building")
    parser.add_argument("--keep", action="store_true", help="keep the prepared database")
    parser.add_argument("--rebuild", action="store_true", help="prepare the database again")
    args = parser.parse_args()
    webs = [int(n) for n in args.compare.split(",")] if args.compare else [args.web]
    url = args.database_url
    if urlparse(url).scheme not in ("postgres", "postgresql"):
        raise SystemExit("--database-url must be a PostgreSQL URL")

    info, created = prepared(args)
    try:
        runs = [measure(args, info, web) for web in webs]
        if len(runs) > 1:
            compare(runs)
    finally:
        if created and not args.keep:
            drop(url)
        else:
            print(f"\nkept: the prepared database {url} (reuse: --database-url {url})")


# ---- one measured run -------------------------------------------------------------------------


def measure(args: argparse.Namespace, info: dict[str, Any], web: int) -> Run:
    template = args.database_url
    run_url = with_name(template, name_of(template) + "_run")
    port = int(info["port"])
    busy = [p for p in (port, *range(port + 1, port + web + 1), port + 99) if not port_free(p)]
    if busy:
        raise SystemExit(f"ports {busy} are in use (the prepared database needs port {port})")
    temp = Path(tempfile.mkdtemp(prefix="hoso-bench-load-scaled-"))
    moto = scaled = None
    try:
        began = time.monotonic()
        drop(run_url)
        sql(
            template,
            f"CREATE DATABASE {name_of(run_url)} TEMPLATE {name_of(template)} STRATEGY FILE_COPY",
            maintenance=True,
        )
        moto_port = free_port()
        moto = start_moto(moto_port, temp / "moto.log")
        restore_files(template, temp / "scaled", f"http://127.0.0.1:{moto_port}")
        flush_redis(args.redis_url)
        print(
            f"\n{web} web process(es): copied the prepared database and files in "
            f"{time.monotonic() - began:.0f} s; starting `hoso scaled --web {web} "
            f"--workers {args.workers}` …",
            flush=True,
        )
        scaled = Scaled(
            web=web,
            workers=args.workers,
            port=port,
            database_url=run_url,
            redis_url=args.redis_url,
            s3_endpoint=f"http://127.0.0.1:{moto_port}",
            data_dir=temp / "scaled",
            env=clean_environment(HOSO_DATA_DIR=str(temp / "own")),
        )
        scaled.wait_ready()
        run = load(args, info, web, scaled, moto.pid, name_of(run_url), temp)
        report(run)
        return run
    finally:
        if scaled is not None:
            scaled.stop()
        stop(moto)
        drop(run_url)
        shutil.rmtree(temp, ignore_errors=True)


def load(
    args: argparse.Namespace,
    info: dict[str, Any],
    web: int,
    scaled: Scaled,
    moto_pid: int,
    database: str,
    temp: Path,
) -> Run:
    def groups() -> dict[str, list[int]]:
        postgres = postgres_processes(database)
        found = {f"web{n}": [scaled.pids[f"web{n}"]] for n in range(1, web + 1)}
        workers = scaled.named("worker")
        found.update(
            {
                f"workers ({args.workers} × run_huey, with their children)": workers
                + [kid for pid in workers for kid in descendants(pid)],
                "demo PKI (TSA, OCSP, CRL)": scaled.named("pki"),
                "HAProxy": scaled.named("haproxy"),
                "S3 (moto server)": [moto_pid, *descendants(moto_pid)],
                "PostgreSQL: backends of the run's database": postgres["ours"],
                "PostgreSQL: server processes (checkpointer, WAL…; shared)": postgres["server"],
                "Redis (the whole redis-server; shared)": [
                    pid for pid, _ in processes_named("redis-server")
                ],
                "`hoso scaled` supervisor": [scaled.process.pid],
                "PostgreSQL: other databases' backends (not this run)": postgres["other"],
            }
        )
        return found

    prefix = str(temp / "locust")
    env = clean_environment(HOSO_LOCUST_TEACHERS=",".join(info["teachers"]))
    load_before = loadavg()
    since = dt.datetime.now(dt.UTC)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = Meter(groups)
    meter.start()
    locust = subprocess.Popen(
        locust_command(
            users=args.users,
            spawn_rate=args.spawn_rate,
            minutes=args.minutes,
            host=scaled.base,
            csv_prefix=prefix,
        ),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(temp / "locust.log", "wb"),  # noqa: SIM115 — lives as long as locust
    )
    locust.wait()
    meter.finish()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, now reaped
    locust_cpu = (after.ru_utime - reaped.ru_utime) + (after.ru_stime - reaped.ru_stime)
    load_after = loadavg()
    cpu = meter.cpu()
    webs = [cpu[f"web{n}"] for n in range(1, web + 1)]
    shown = {f"web{n}": cpu.pop(f"web{n}") for n in range(1, web + 1)}
    if web > 1:
        shown[f"all {web} web processes"] = sum(webs)
    shown.update(cpu)
    shown["load generator (locust, 1 process)"] = locust_cpu
    used, made = teachers_used(scaled, info["teachers"], since)
    notes = [
        "workers' peak RSS: "
        + ", ".join(f"{mb:.0f} MB" for n, mb in meter.peak_rss.items() if n.startswith("work")),
        f"extra teacher accounts used: {used} of {made}"
        + (" — ALL USED: later uploads were refused; --teachers more" if used >= made else ""),
    ]
    restarts = scaled.restarts()
    if restarts:
        notes.append("processes started again during the run: " + "; ".join(restarts))
    if locust.returncode not in (0, 1):  # 1: some requests failed
        notes.append(f"locust ended with {locust.returncode}: {temp / 'locust.log'}")
    return Run.measured(
        prefix,
        title=f"{web} web process{'es' if web > 1 else ''}, {args.workers} worker",
        users=args.users,
        elapsed=meter.elapsed,
        cpu=shown,
        machine=meter.machine,
        web_rss={f"web{n}": meter.peak_rss.get(f"web{n}", 0.0) for n in range(1, web + 1)},
        web_rss_before={f"web{n}": meter.start_rss.get(f"web{n}", 0.0) for n in range(1, web + 1)},
        load_before=load_before,
        load_after=load_after,
        notes=notes,
    )


def teachers_used(scaled: Scaled, teachers: list[str], since: dt.datetime) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(scaled.environment()["DATABASE_URL"]) as connection:
        row = connection.execute(
            "SELECT count(DISTINCT r.owner_id) FROM records_record r"
            " JOIN auth_user u ON u.id = r.owner_id"
            " WHERE r.created_at >= %s AND u.username = ANY(%s)",
            [since, teachers],
        ).fetchone()
    return int(row[0]) if row else 0, len(teachers)


if __name__ == "__main__":
    main()
