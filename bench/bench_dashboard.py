"""The operations dashboard of issue 18 (/van-phong/tinh-hinh/) at the size of a province.

    .venv/bin/python bench/bench_dashboard.py                       # 1,000 schools, temp SQLite
    .venv/bin/python bench/bench_dashboard.py --schools 50 --requests 10     # quick look
    .venv/bin/python bench/bench_dashboard.py \\
        --database-url postgres://postgres@127.0.0.1:5432/hoso_dash_bench
    # --profile: cProfile of one Sở page, the 25 heaviest functions; --keep: keep what it made

A throw-away data folder and database (bench/scratch.py). The province (bench/province.py,
bulk inserts): 1,000 schools under 25 Phòng, 30 staff each (30,000), the due items of the
current school year for the required primary-school types (weekly lesson plans and termly
books per teacher, monthly group meetings, the school's own records): before today ≈ 80 % on
time, 8 % late, the rest missing, 1 % with an extended deadline; after today open. Then, per
school, 10 records waiting in a signing chain; 20 directives of the Sở to every unit below
(≈ 60 % opened); 4 report requests (≈ 70 % submitted).

Timed: the summary refresh the product runs (`hoso.records.services.summary`,
`due_summary_refresh(all_rows=True)`, the whole province), then the real page over Django's
test client, logged in as a chuyên viên of the Sở and of a Phòng (the page shows the whole
school year; it has no other range), and a school's page; `--requests` times each after two
warm-up requests: median and p95. Also the records completion page (/ho-so/tinh-hinh-nop/) of
the Sở with its default window (the last four weeks and the next). The load average
(/proc/loadavg) is printed before and after: the machine is shared, so note it with every
figure.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import MIXED_TYPES, build_province, migrate, setup, year_around  # noqa: E402
from bench.scratch import scratch  # noqa: E402

SIGNING_PER_SCHOOL = 10
DIRECTIVES = 20
REPORTS = 4
SO_TARGET_MS, PHONG_TARGET_MS = 300, 100


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- the rest of what the page reads -----------------------------------------------------------


def add_signing(province: dict[str, Any], now: dt.datetime) -> int:
    """Records whose workflow waits at a signing step (what "Chờ ký" counts)."""
    from hoso.records.models import (
        Record,
        RecordState,
        RecordType,
        RecordVersion,
        StepAction,
        Workflow,
        WorkflowState,
    )

    khbd = RecordType.objects.get(code="TT28.KHBD", owner_unit=None, adapts=None)
    year, groups, users = province["year"], province["groups"], province["users"]
    staff = len(users) // len(province["schools"])
    records = []
    for index, school in enumerate(province["schools"]):
        for i in range(SIGNING_PER_SCHOOL):
            records.append(
                Record(
                    record_type=khbd,
                    unit=groups[school.pk][i % 3],
                    school=school,
                    school_year=year,
                    owner_id=users[index * staff + i % staff],
                    title=f"Kế hoạch bài dạy {i}",
                    period_key=f"W{i + 1:02d}",
                    state=RecordState.SUBMITTED,
                    version_count=1,
                    first_submitted_at=now,
                )
            )
    Record.objects.bulk_create(records, batch_size=5000)
    made = list(Record.objects.filter(school_year=year).values_list("pk", "owner_id"))
    RecordVersion.objects.bulk_create(
        [
            RecordVersion(
                record_id=pk,
                number=1,
                original_sha256="0" * 64,
                size=1,
                filename="khbd.pdf",
                kind="pdf",
                uploaded_by_id=owner,
                uploaded_at=now,
            )
            for pk, owner in made
        ],
        batch_size=5000,
    )
    versions = RecordVersion.objects.filter(record__school_year=year)
    Workflow.objects.bulk_create(
        [
            Workflow(
                record_id=record_id,
                version_id=version_id,
                chain=[{"role": "HT", "action": "sign"}],
                state=WorkflowState.SIGNING,
                pending_role="HT",
                pending_action=StepAction.SIGN,
                pending_keys="|RHT|",
                opened_by_id=owner,
                opened_at=now,
            )
            for version_id, record_id, owner in versions.values_list(
                "pk", "record_id", "uploaded_by_id"
            )
        ],
        batch_size=5000,
    )
    return len(made)


def add_directives_and_reports(province: dict[str, Any], author: Any, now: dt.datetime) -> None:
    import random

    from hoso.offices.models import (
        Audience,
        Directive,
        DirectiveRecipient,
        ReportAssignment,
        ReportRequest,
        ReportState,
        TemplateKind,
    )
    from hoso.records.models import Record, RecordState, RecordType, RecordVersion

    rng = random.Random(18)
    so, year = province["so"], province["year"]
    below = [*province["phongs"], *province["schools"]]
    letter = Record.objects.create(
        record_type=RecordType.objects.get(code="VP.SO.CV", owner_unit=None, adapts=None),
        unit=so,
        school=so,
        school_year=year,
        owner=author,
        title="Công văn",
        state=RecordState.ISSUED,
        version_count=1,
    )
    version = RecordVersion.objects.create(
        record=letter,
        number=1,
        original_sha256="0" * 64,
        size=1,
        filename="cv.pdf",
        kind="pdf",
        uploaded_by=author,
        uploaded_at=now,
        issued_at=now,
    )
    recipients = []
    for n in range(DIRECTIVES):
        directive = Directive.objects.create(
            office=so,
            school_year=year,
            title=f"Công văn chỉ đạo {n}",
            record=letter,
            version=version,
            audience=Audience.ALL,
            issued_by=author,
            issued_at=now,
        )
        for unit in below:
            opened = now if rng.random() < 0.6 else None
            recipients.append(
                DirectiveRecipient(
                    directive=directive, unit=unit, received_at=now, first_opened_at=opened
                )
            )
    DirectiveRecipient.objects.bulk_create(recipients, batch_size=5000)
    assignments = []
    for n in range(REPORTS):
        request = ReportRequest.objects.create(
            office=so,
            school_year=year,
            title=f"Báo cáo {n}",
            deadline=now,
            template_kind=TemplateKind.DOCUMENT,
            audience=Audience.ALL,
            created_by=author,
            created_at=now,
        )
        for unit in below:
            sent = rng.random() < 0.7
            assignments.append(
                ReportAssignment(
                    request=request,
                    unit=unit,
                    state=ReportState.SUBMITTED if sent else ReportState.PENDING,
                    submitted_at=now if sent else None,
                )
            )
    ReportAssignment.objects.bulk_create(assignments, batch_size=5000)


def office_people(province: dict[str, Any]) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from hoso.org.models import Role
    from hoso.org.services import role_assign

    people = {}
    for key, role, unit in (
        ("so", Role.CV_SO, province["so"]),
        ("phong", Role.CV_PHONG, province["phong"]),
    ):
        user = get_user_model().objects.create(username=f"bench-dash-{key}", password="!")
        role_assign(actor=None, user=user, role=role, unit=unit, school_year=province["year"])
        people[key] = user
    return people


# --- timing --------------------------------------------------------------------------------------


def refresh() -> float | None:
    """The product's own summary refresh over the whole province, timed (None: no such code)."""
    try:
        from hoso.records.services.summary import due_summary_refresh
    except ImportError:  # before the summary existed: the page counted everything
        return None
    began = time.perf_counter()
    due_summary_refresh(all_rows=True)
    return time.perf_counter() - began


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]  # nearest rank


def time_page(client: Any, url: str, requests: int) -> tuple[float, float, int]:
    for _ in range(2):  # warm: templates, the request cache of the menu, the database's pages
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), p95(timings), len(response.content)


def pages(province: dict[str, Any], people: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """(label, who, url, target ms or 0)."""
    school = province["school"]
    return [
        ("Sở, cả năm học (trang mặc định)", "so", "/van-phong/tinh-hinh/", SO_TARGET_MS),
        ("Phòng, cả năm học (trang mặc định)", "phong", "/van-phong/tinh-hinh/", PHONG_TARGET_MS),
        ("Sở → một trường, cả năm học", "so", f"/van-phong/tinh-hinh/?unit={school.pk}", 0),
        ("Sở, /ho-so/tinh-hinh-nop/ (4 tuần + 1)", "so", "/ho-so/tinh-hinh-nop/", 0),
    ]


def run(args: Any, data_dir: str, database_url: str) -> None:
    setup(database_url, data_dir)
    from django.db import connection
    from django.test import Client, override_settings
    from django.utils import timezone

    migrate()
    print(f"Cơ sở dữ liệu: {connection.vendor}; thư mục dữ liệu tạm: {data_dir}")
    now = timezone.now()
    year = year_around(timezone.localdate(now))
    province = build_province(
        args.schools, args.staff, year=year, types=MIXED_TYPES, now=now, extended=0.01
    )
    people = office_people(province)
    signing = add_signing(province, now)
    add_directives_and_reports(province, people["so"], now)
    with connection.cursor() as cursor:  # let the generated province settle before timing
        cursor.execute("ANALYZE")
        cursor.execute("VACUUM" if connection.vendor == "postgresql" else "PRAGMA wal_checkpoint")
    print(
        f"Tỉnh sinh ra: {args.schools} trường, {len(province['phongs'])} Phòng, "
        f"{len(province['users']):,} cán bộ, {province['due_items']:,} hạn nộp năm học "
        f"{year.name} trong {province['seconds']:.0f} s; {signing:,} hồ sơ chờ ký, "
        f"{DIRECTIVES} văn bản chỉ đạo, {REPORTS} yêu cầu báo cáo"
    )
    print(f"Tải trung bình trước khi đo: {loadavg()}")
    no_2fa = override_settings(HOSO_2FA_REQUIRED_ROLES=[])  # benchmark accounts, no TOTP
    no_2fa.enable()
    clients = {}
    for key, user in people.items():
        clients[key] = Client()
        clients[key].force_login(user)
    clients["so"].get(f"/van-phong/tinh-hinh/?unit={province['school'].pk}")  # warm the code
    began = time.perf_counter()
    clients["so"].get("/van-phong/tinh-hinh/")
    print(
        "Trang Sở khi chưa có bảng tổng hợp (mọi trường đếm từ hạn nộp): "
        f"{(time.perf_counter() - began) * 1000:.0f} ms (1 lần)"
    )
    seconds = refresh()
    if seconds is None:
        print("Làm mới bảng tổng hợp: (không có bảng tổng hợp)")
    else:
        print(f"Làm mới bảng tổng hợp (cả tỉnh): {seconds:.2f} s")
    try:
        check_same(province, people)
        for label, who, url, target in pages(province, people):
            median, high, size = time_page(clients[who], url, args.requests)
            verdict = f" (mục tiêu p95 ≤ {target} ms: {'đạt' if high <= target else 'CHƯA ĐẠT'})"
            print(
                f"{label}: trung vị {median:.0f} ms, p95 {high:.0f} ms "
                f"({args.requests} lần, {size // 1024} KB){verdict if target else ''}"
            )
        if args.profile:
            profile(clients["so"], "/van-phong/tinh-hinh/")
    finally:
        no_2fa.disable()
    print(f"Tải trung bình sau khi đo: {loadavg()}")


def check_same(province: dict[str, Any], people: dict[str, Any]) -> None:
    """The page from the summary shows what counting every due item shows (completion rows
    and total for the Sở and the Phòng; the weekly trend of the Phòng, by TruncWeek)."""
    from django.utils import timezone

    from hoso.offices import dashboard
    from hoso.records.completion import completion_report

    now = timezone.now()
    start, end = dashboard.year_window(province["year"])
    for key, unit in (("so", province["so"]), ("phong", province["phong"])):
        board = dashboard.build(people[key], unit, province["year"])
        counted = completion_report(people[key], unit, start, end, now)
        got = [r.counts.as_dict() for r in [*board.rows, board.total]]
        assert got == [r.as_dict() for r in [*counted.rows, counted.total]], key
        if key == "phong":
            assert board.weeks == dashboard.weekly(unit, start, end), key
    print("Kiểm tra: bảng tổng hợp cho cùng số liệu như đếm trực tiếp (Sở, Phòng): đúng")


def profile(client: Any, url: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"hoso/", 25)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="", help="benchmark database (default: temp SQLite)"
    )
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=30, help="staff per school")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--profile", action="store_true", help="cProfile of the Sở page")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and database it made"
    )
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    print(f"Bắt đầu {started:%Y-%m-%d %H:%M} UTC")
    with scratch("hoso-bench-dash-", database_url=args.database_url, keep=args.keep) as place:
        run(args, place.data_dir, place.database_url)
    print(f"Xong {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
