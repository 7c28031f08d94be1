"""The prepared database of bench/bench_load_scaled.py: the demo province loaded by `hoso
scaled`, the bulk province of bench/province.py under its Sở, the extra teacher accounts, the
summary and the search index, and the files and bucket objects that live beside the database
saved into it, so that the database alone brings the installation back (see that module's
docstring). Run by hand only through bench_load_scaled.py."""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
    Scaled,
    clean_environment,
    free_port,
    port_free,
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
