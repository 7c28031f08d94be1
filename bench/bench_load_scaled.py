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
the year before (with 1,000 schools: 30,000 staff, 1,000,000 record versions, all in
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
import json
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

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hoso_bench_load_scaled"
DEFAULT_REDIS = "redis://127.0.0.1:6379/4"
DEFAULT_PORT = 18400
FILES = "bench_load_files"  # name → bytes (+ meta): the saved files and bucket objects
PREPARED = "prepared.json"  # written last: its presence says the preparation finished
VERSIONS_PER_SCHOOL = 1000  # the 1,000,000 record versions for 1,000 schools
SKIPPED = ("logs", "static", "blob-cache", "mail", "environment", "haproxy.cfg")


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


# ---- the prepared database --------------------------------------------------------------------


def prepared(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """The prepared database's description, building it first when needed; and whether this
    run built it."""
    url = args.database_url
    info = None if args.rebuild else read_prepared(url)
    if info is not None:
        if args.schools is not None and args.schools != info["schools"]:
            raise SystemExit(
                f"{url} holds a province of {info['schools']} schools, not {args.schools}: "
                "--rebuild to prepare it again"
            )
        print(
            f"reusing {url}: demo + {info['schools']} schools, {info['staff_total']:,} staff, "
            f"{info['versions']:,} record versions (built {info['built_at']})",
            flush=True,
        )
        return info, False
    args.schools = 1000 if args.schools is None else args.schools
    if exists(url) and not has_table(url, FILES) and has_table(url, "django_migrations"):
        raise SystemExit(f"{url} is a database this bench did not make: not touching it")
    drop(url)
    sql(url, f"CREATE DATABASE {name_of(url)}", maintenance=True)
    sql(url, f"CREATE TABLE {FILES} (name text PRIMARY KEY, data bytea NOT NULL, meta jsonb)")
    try:
        return build(args), True
    except BaseException:
        if not args.keep:
            drop(url)
        raise


def build(args: argparse.Namespace) -> dict[str, Any]:
    url, port = args.database_url, args.port
    busy = [p for p in (port, port + 1, port + 99) if not port_free(p)]
    if busy:
        raise SystemExit(f"ports {busy} are in use: --port another base")
    temp = Path(tempfile.mkdtemp(prefix="hoso-bench-load-build-"))
    moto_port = free_port()
    moto = start_moto(moto_port, temp / "moto.log")
    scaled = None
    started = time.monotonic()
    try:
        flush_redis(args.redis_url)
        print(f"preparing {url}: the demo province (`hoso scaled`) …", flush=True)
        scaled = Scaled(
            web=1,
            workers=1,
            port=port,
            database_url=url,
            redis_url=args.redis_url,
            s3_endpoint=f"http://127.0.0.1:{moto_port}",
            data_dir=temp / "scaled",
            env=clean_environment(HOSO_DATA_DIR=str(temp / "own")),
        )
        scaled.wait_ready()
        env = scaled.environment()
        wait_for_queue(url, args.redis_url)
        scaled.stop()
        demo_seconds = time.monotonic() - started
        print(
            f"  demo ready in {demo_seconds:.0f} s; the bulk province: {args.schools} schools …",
            flush=True,
        )
        out = temp / "built.json"
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--inside-build",
                json.dumps(
                    {
                        "schools": args.schools,
                        "staff": args.staff,
                        "teachers": args.teachers,
                        "out": str(out),
                    }
                ),
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "hoso.settings"},
            cwd=ROOT,
            check=True,
        )
        info = json.loads(out.read_text())
        saved = save_files(url, temp / "scaled", env)
        info.update(
            port=port,
            built_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            demo_seconds=round(demo_seconds),
            build_seconds=round(time.monotonic() - started),
            saved=saved,
        )
        put_file(url, PREPARED, json.dumps(info).encode())
        seconds = info["seconds"]
        bulk = seconds["province"] + seconds["records"]
        print(
            f"  built in {info['build_seconds']} s (demo {demo_seconds:.0f} s; bulk province "
            f"{seconds['province']:.0f} s + records {seconds['records']:.0f} s = "
            f"{bulk / args.schools:.2f} s per school; accounts {seconds['accounts']:.0f} s; "
            f"summary {seconds['summary']:.0f} s; search index {seconds['index']:.0f} s = "
            f"{seconds['index'] / max(info['versions'], 1) * 1e3:.2f} ms per record; "
            f"analyze {seconds['analyze']:.0f} s); {info['due_items']:,} due items, "
            f"{info['versions']:,} record versions; saved {saved['files']} files and "
            f"{saved['objects']} objects ({saved['bytes'] / 1e6:.1f} MB)",
            flush=True,
        )
        return info
    finally:
        if scaled is not None:
            scaled.stop()
        stop(moto)
        shutil.rmtree(temp, ignore_errors=True)


def inside_build(spec: dict[str, Any]) -> None:
    """In a process of its own with the installation's environment: the bulk province, the
    extra teachers, the summary and the search index."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.province import MIXED_TYPES, add_due_items, add_records, build_province
    from hoso.org.demo import DEMO_SO_CODE
    from hoso.org.demo_clock import anchor_time
    from hoso.org.models import SchoolYear, Unit
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services.summary import due_summary_refresh
    from hoso.storage.factory import blob_store

    seconds: dict[str, float] = {}
    began = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal began
        seconds[name] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        print(f"  {name}: {seconds[name]:.0f} s", flush=True)

    year = SchoolYear.objects.get(is_current=True)
    now = anchor_time()
    so = Unit.objects.get(code=DEMO_SO_CODE)
    province = build_province(
        spec["schools"],
        spec["staff"],
        year=year,
        types=MIXED_TYPES,
        now=now,
        extended=0.01,
        parent=so,
    )
    last = year_before(year)
    due_items = province["due_items"] + add_due_items(province, last, types=("TT28.KHBD",))
    lap("province")
    pdf = simple_pdf("Kế hoạch bài dạy", ["Môn Toán", "Tuần"], pad_to=200_000)
    blob = blob_store().put(io.BytesIO(pdf))
    versions = add_records(province, year, sha256=blob.sha256, size=blob.size)
    # The year before tops the records up to the 1,000 per school (1,000,000 for a
    # province of 1,000): its latest lesson plans, however far this year has gone.
    left = max(0, VERSIONS_PER_SCHOOL - versions // spec["schools"])
    versions += add_records(province, last, sha256=blob.sha256, size=blob.size, per_school=left)
    lap("records")
    teachers = extra_teachers(spec["teachers"], year)
    lap("accounts")
    due_summary_refresh(all_rows=True)
    lap("summary")
    call_command("search", "reindex", "--restart", "--batch", "2000", stdout=io.StringIO())
    lap("index")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lap("analyze")
    Path(spec["out"]).write_text(
        json.dumps(
            {
                "schools": spec["schools"],
                "staff_total": len(province["users"]),
                "due_items": due_items,
                "versions": versions,
                "teachers": teachers,
                "seconds": seconds,
            }
        )
    )


def year_before(year: Any) -> Any:
    from hoso.org.models import SchoolYear

    first = int(year.name[:4]) - 1
    last, _ = SchoolYear.objects.get_or_create(
        name=f"{first}-{first + 1}",
        defaults={
            "start_date": year.start_date.replace(year=first),
            "end_date": year.end_date.replace(year=first + 1),
            "term1_end": year.term1_end.replace(year=first + 1),
            "is_current": False,
        },
    )
    return last


def extra_teachers(count: int, year: Any) -> list[str]:
    """`count` teacher accounts like the demo's, through the org services: in the groups of the
    demo teachers the scenario uses (bench/locustfile.py DEMO_TEACHERS), cycling over them, so
    th1, thcs1 and th2 get them in the scenario's proportions; their due items generated."""
    import random

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bench.loadkit import DEMO_TEACHERS
    from hoso.org.demo_names import random_name
    from hoso.org.models import Gender, Role, RoleAssignment
    from hoso.org.services import role_assign, staff_create
    from hoso.records.services.deadlines import due_items_generate

    rng = random.Random(20)
    password = make_password(settings.DEMO_PASSWORD)
    groups = {
        a.user.username: a.unit
        for a in RoleAssignment.objects.filter(
            role=Role.GV, school_year=year, user__username__in=DEMO_TEACHERS
        ).select_related("user", "unit")
    }
    names = []
    with transaction.atomic():
        for number in range(1, count + 1):
            model = DEMO_TEACHERS[(number - 1) % len(DEMO_TEACHERS)]
            username = f"{model.split('.')[0]}.gvbench{number}"
            gender = rng.choice([Gender.NU, Gender.NU, Gender.NAM])
            full_name = random_name(rng, gender)
            user = get_user_model().objects.create(
                username=username, password=password, first_name=full_name
            )
            staff = staff_create(
                actor=None,
                unit=groups[model],
                code=f"BENCHGV{number:05d}",
                full_name=full_name,
                gender=gender,
                position="Giáo viên",
                email=f"{username}@demo.hoso.edu.vn",
            )
            staff.user = user
            staff.save(update_fields=["user"])
            role_assign(actor=None, user=user, role=Role.GV, unit=groups[model], school_year=year)
            names.append(username)
    schools = {unit.school for unit in groups.values()}
    due_items_generate(school_year=year, schools=sorted(schools, key=lambda s: s.pk))
    return names


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


# ---- files beside the database ----------------------------------------------------------------


def save_files(url: str, data_dir: Path, env: dict[str, str]) -> dict[str, int]:
    """The data folder's own files (not logs, static files, caches) and every object of the
    bucket, into the FILES table."""
    files = objects = size = 0
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if not path.is_file() or relative.parts[0] in SKIPPED or path.suffix == ".http":
            continue
        data = path.read_bytes()
        put_file(url, f"data/{relative}", data, {"mode": path.stat().st_mode & 0o777})
        files, size = files + 1, size + len(data)
    client, bucket = s3(env["HOSO_S3_ENDPOINT_URL"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            answer = client.get_object(Bucket=bucket, Key=item["Key"])
            data = answer["Body"].read()
            meta = {"Metadata": answer.get("Metadata", {}), "ContentType": answer["ContentType"]}
            put_file(url, f"s3/{item['Key']}", data, meta)
            objects, size = objects + 1, size + len(data)
    return {"files": files, "objects": objects, "bytes": size}


def restore_files(url: str, data_dir: Path, endpoint: str) -> None:
    import psycopg

    client, bucket = s3(endpoint)
    client.create_bucket(Bucket=bucket)
    with psycopg.connect(url) as connection:
        rows = connection.execute(f"SELECT name, data, meta FROM {FILES}")  # noqa: S608
        for name, data, meta in rows:
            kind, _, rest = name.partition("/")
            if kind == "data":
                path = data_dir / rest
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                path.chmod(meta["mode"])
            elif kind == "s3":
                client.put_object(
                    Bucket=bucket,
                    Key=rest,
                    Body=bytes(data),
                    Metadata=meta["Metadata"],
                    ContentType=meta["ContentType"],
                )


def s3(endpoint: str) -> tuple[Any, str]:
    """A client of the moto server as `hoso scaled` configures its processes, and the bucket."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="hoso-scaled",
        aws_secret_access_key="hoso-scaled",
    )
    return client, "hoso-scaled"


def put_file(url: str, name: str, data: bytes, meta: dict[str, Any] | None = None) -> None:
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(url) as connection:
        connection.execute(
            f"INSERT INTO {FILES} (name, data, meta) VALUES (%s, %s, %s)"  # noqa: S608
            " ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, meta = EXCLUDED.meta",
            [name, data, Jsonb(meta or {})],
        )


def read_prepared(url: str) -> dict[str, Any] | None:
    import psycopg

    if not exists(url) or not has_table(url, FILES):
        return None
    with psycopg.connect(url) as connection:
        row = connection.execute(
            f"SELECT data FROM {FILES} WHERE name = %s",  # noqa: S608
            [PREPARED],
        ).fetchone()
    return json.loads(bytes(row[0])) if row else None


# ---- PostgreSQL and Redis ---------------------------------------------------------------------


def name_of(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    if not name or name == "postgres" or not name.replace("_", "").isalnum():
        raise SystemExit(f"the benchmark database URL must name its own database: {url}")
    return name


def with_name(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def sql(url: str, statement: str, *, maintenance: bool = False) -> None:
    import psycopg

    target = with_name(url, "postgres") if maintenance else url
    with psycopg.connect(target, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(with_name(url, "postgres")) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name_of(url)]
        ).fetchone()
    return found is not None


def has_table(url: str, table: str) -> bool:
    import psycopg

    with psycopg.connect(url) as connection:
        found = connection.execute("SELECT to_regclass(%s)", [table]).fetchone()
    return bool(found and found[0])


def drop(url: str) -> None:
    sql(url, f"DROP DATABASE IF EXISTS {name_of(url)} WITH (FORCE)", maintenance=True)


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def wait_for_queue(url: str, redis_url: str, timeout: float = 900) -> None:
    """Until the worker has done what the demo's loading queued (renditions, index)."""
    import psycopg
    import redis

    queue = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT count(*) FROM records_recordversion WHERE rendition_status = 'pending'"
            ).fetchone()
        waiting = sum(
            int(queue.llen(key)) for key in queue.keys("huey.*") if queue.type(key) == b"list"
        )
        if (row is None or row[0] == 0) and waiting == 0:
            return
        time.sleep(2)
    print("  (the demo's queued work did not finish: going on)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inside-build":
        inside_build(json.loads(sys.argv[2]))
    else:
        main()
