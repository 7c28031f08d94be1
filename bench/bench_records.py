"""Records benchmarks (issue 3 item 12): upload throughput and the completion view.

    .venv/bin/python bench/bench_records.py --quick                 # small, SQLite, ~1 min
    .venv/bin/python bench/bench_records.py                         # 1,000 schools, SQLite
    .venv/bin/python bench/bench_records.py --database-url postgres://postgres@127.0.0.1:5432/hoso_bench

Everything runs in a separate, throw-away benchmark database and data directory (never the
real one). Uploads go through the real service (`record_upload`: name/size/type/safety checks,
SHA-256 blob store with fsync, rows, audit entry, task enqueued in the huey queue) with 1 MB
PDFs and no conversion. The province is generated with bulk inserts (bench/province.py,
shared with bench_dashboard.py); the completion figure is `completion_report` for the Sở, a
Phòng and a school, and the whole page for the Sở.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import bench_year, build_province, migrate, setup  # noqa: E402
from bench.scratch import scratch  # noqa: E402


def time_completion(province: dict[str, Any], repeats: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from hoso.org.models import Role, SchoolYear
    from hoso.org.services import role_assign
    from hoso.records.completion import completion_report
    from hoso.records.periods import VN

    # The Sở's chuyên viên: what the policy lets them see is the whole province.
    admin = get_user_model().objects.create(username="bench-so", password="!")
    year = SchoolYear.objects.get(is_current=True)
    role_assign(actor=None, user=admin, role=Role.CV_SO, unit=province["so"], school_year=year)
    now = dt.datetime(2026, 3, 2, 9, tzinfo=VN)
    window = (now - dt.timedelta(days=28), now + dt.timedelta(days=8))
    year = (dt.datetime(2025, 8, 1, tzinfo=VN), dt.datetime(2026, 7, 1, tzinfo=VN))
    cases = {
        "Sở, 5 tuần": (province["so"], window),
        "Sở, cả năm": (province["so"], year),
        "Phòng, 5 tuần": (province["phong"], window),
        "Trường, 5 tuần": (province["school"], window),
    }
    results = {}
    for label, (unit, (start, end)) in cases.items():
        completion_report(admin, unit, start, end, now)  # warm
        timings = []
        for _ in range(repeats):
            began = time.perf_counter()
            completion_report(admin, unit, start, end, now)
            timings.append((time.perf_counter() - began) * 1000)
        results[label] = statistics.median(timings)
    from django.test import override_settings

    client = Client()
    client.force_login(admin)
    no_2fa = override_settings(HOSO_2FA_REQUIRED_ROLES=[])  # a benchmark account, no TOTP
    no_2fa.enable()
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = client.get(f"/ho-so/tinh-hinh-nop/?unit={province['so'].pk}")
        assert response.status_code == 200, response.status_code
        timings.append((time.perf_counter() - began) * 1000)
    no_2fa.disable()
    results["Trang Sở (HTTP, 5 tuần gần nhất)"] = statistics.median(timings)
    return results


# --- uploads --------------------------------------------------------------------------------


def upload_worker(args: tuple[str, str, int, int, int]) -> tuple[int, float]:
    database_url, data_dir, worker, count, size = args
    setup(database_url, data_dir)
    from django.contrib.auth import get_user_model

    from hoso.records.models import RecordType
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services.versions import Upload, record_upload

    user = get_user_model().objects.get(username=f"bench-teacher{worker}")
    record_type = RecordType.objects.get(code="TT28.KHBD")
    files = [
        simple_pdf(f"Kế hoạch bài dạy {worker}-{i}", ["Môn Toán"], pad_to=size)
        for i in range(count)
    ]
    weeks = [f"W{n:02d}" for n in range(1, 40)]
    began = time.perf_counter()
    for i, data in enumerate(files):
        record_upload(
            actor=user,
            record_type=record_type,
            upload=Upload(io.BytesIO(data), f"khbd-{i}.pdf", len(data)),
            period_key=weeks[i % len(weeks)],
        )
    return count, time.perf_counter() - began


def prepare_teachers(workers: int) -> None:
    from django.contrib.auth import get_user_model

    from hoso.org.models import Role, UnitKind
    from hoso.org.services import role_assign, unit_create

    year = bench_year()
    so = unit_create(
        actor=None, code="BENCH-UP-SO", name="Sở tải lên", kind=UnitKind.SO, parent=None
    )
    school = unit_create(
        actor=None,
        code="BENCH-UP",
        name="Trường tải lên",
        kind=UnitKind.TRUONG,
        parent=so,
        level="TH",
    )
    group = unit_create(actor=None, code="BENCH-UP-T", name="Tổ 1", kind=UnitKind.TO, parent=school)
    for worker in range(workers):
        user = get_user_model().objects.create(username=f"bench-teacher{worker}", password="!")
        role_assign(actor=None, user=user, role=Role.GV, unit=group, school_year=year)


def time_uploads(database_url: str, data_dir: str, workers: int, count: int, size: int) -> float:
    prepare_teachers(workers)
    from django.db import connections

    connections.close_all()
    jobs = [(database_url, data_dir, w, count, size) for w in range(workers)]
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        done = pool.map(upload_worker, jobs)
    wall = time.perf_counter() - began
    uploads = sum(n for n, _ in done)
    slowest = max(seconds for _, seconds in done)  # excludes process start-up and PDF making
    print(f"  (thời gian thực kể cả khởi động tiến trình: {wall:.1f} s)")
    return uploads / slowest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50 schools, 100 uploads")
    parser.add_argument(
        "--database-url", default="", help="benchmark database (default: temp SQLite)"
    )
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=30, help="staff per school")
    parser.add_argument("--uploads", type=int, default=300, help="uploads per worker")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=["all", "completion", "uploads"], default="all")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and database it made"
    )
    args = parser.parse_args()
    if args.quick:
        args.schools, args.uploads = 50, 50
    with scratch("hoso-bench-", database_url=args.database_url, keep=args.keep) as place:
        run(args, place.data_dir, place.database_url)


def run(args: Any, data_dir: str, database_url: str) -> None:
    setup(database_url, data_dir)
    from django.db import connection

    migrate()
    print(f"Cơ sở dữ liệu: {connection.vendor}; thư mục dữ liệu tạm: {data_dir}")
    # Uploads first: right after writing a 300 MB province, the disk is still flushing and
    # every fsync waits for it, which measures the generator, not the upload path.
    if args.only != "completion":
        rate = time_uploads(database_url, data_dir, args.workers, args.uploads, 1024 * 1024)
        print(
            f"Tải lên: {rate:.1f} tệp/giây (PDF 1 MB, {args.workers} tiến trình, "
            f"{args.workers * args.uploads} tệp, không chuyển đổi)"
        )
    if args.only != "uploads":
        report_completion(args, build_province(args.schools, args.staff))


def report_completion(args: Any, province: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # let the generated province settle before timing
        cursor.execute("VACUUM" if connection.vendor == "postgresql" else "PRAGMA wal_checkpoint")
    print(
        f"Tỉnh sinh ra: {args.schools} trường, {args.schools * args.staff} giáo viên, "
        f"{province['due_items']:,} hạn nộp (kế hoạch bài dạy hằng tuần, cả năm) "
        f"trong {province['seconds']:.0f} s"
    )
    for label, ms in time_completion(province, args.repeats).items():
        print(f"Tình hình nộp hồ sơ — {label}: {ms:.0f} ms (trung vị {args.repeats} lần)")


if __name__ == "__main__":
    main()
