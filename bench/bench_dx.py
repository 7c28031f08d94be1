"""Digital-transformation ranking benchmark (issue 18 item 7): the refresh of an open criteria
set's automatic figures across every school, and the Sở's ranking page over HTTP.

    .venv/bin/python bench/bench_dx.py                       # 1,000 schools, temp SQLite
    .venv/bin/python bench/bench_dx.py --schools 100         # quicker
    .venv/bin/python bench/bench_dx.py --database-url postgres://postgres@127.0.0.1:5432/hoso_dx_bench

Throw-away database and data folder (bench/scratch.py). The province is bench_records' (Sở →
Phòng of 40 schools → schools, `--staff` accounts a school with a year of weekly due items),
plus, per school: five classes (grades 1–5) of `--pupils` pupils with their subjects, two
gradebook columns entered for most pupils, the staff rows of the accounts (40 % holding a
valid signing certificate), three reports the Sở asked (most sent on time) and, for a third of
the schools, a submitted sheet. The Sở publishes the demo's criteria set (six automatic
measures, three entered) to every school. Timed: `figures_refresh` (every school's figures in
bulk, kept on the sheets), the old per-school computation on a sample (extrapolated), and the
ranking page, the scores API and the Excel export through Django's test Client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import _analyze, build_province, migrate, setup  # noqa: E402
from bench.scratch import scratch  # noqa: E402

GRADES = (1, 2, 3, 4, 5)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _schools() -> list[Any]:
    from hoso.org.models import Unit, UnitKind

    found = Unit.objects.filter(kind=UnitKind.TRUONG, code__startswith="BENCH-S")
    return sorted(found, key=lambda s: int(s.code.removeprefix("BENCH-S")))


def _classes(schools: list[Any], year: Any) -> list[Any]:
    from hoso.org.models import Unit, UnitKind

    Unit.objects.bulk_create(
        [
            Unit(
                code=f"{s.code}-L{g}",
                name=f"Lớp {g}A",
                kind=UnitKind.LOP,
                parent=s,
                school=s,
                school_year=year,
                grade=g,
            )
            for s in schools
            for g in GRADES
        ],
        batch_size=5000,
    )
    classes = list(Unit.objects.filter(kind=UnitKind.LOP, code__startswith="BENCH-S"))
    paths = {s.pk: s.path for s in schools}
    for lop in classes:
        lop.path = f"{paths[lop.parent_id]}{lop.pk}/"
    Unit.objects.bulk_update(classes, ["path"], batch_size=5000)
    return classes


def _subjects(schools: list[Any]) -> dict[int, str]:
    """Every school's subjects of grades 1–5 as the gradebook seeds them; the first subject's
    code by grade (the one the bench enters)."""
    from hoso.grading.models import SchoolSubject
    from hoso.grading.services.catalogue import _rows

    first: dict[int, str] = {}
    rows = []
    for grade in GRADES:
        seeded = _rows(grade)
        first[grade] = seeded[0][0]
        rows += [
            SchoolSubject(
                school=s,
                grade=grade,
                code=code,
                name=name,
                kind=kind,
                periods_per_year=periods,
                elective=elective,
                enabled=not elective,
                order=index,
            )
            for s in schools
            for index, (code, name, kind, periods, elective) in enumerate(seeded)
        ]
    SchoolSubject.objects.bulk_create(rows, batch_size=5000)
    return first


def _pupils(classes: list[Any], year: Any, per_class: int, first: dict[int, str], rng: Any) -> int:
    from hoso.grading.models import Entry
    from hoso.org.models import Enrolment, Student

    Student.objects.bulk_create(
        [
            Student(
                code=f"B{lop.pk}-{i}",
                full_name=f"Học sinh {i}",
                gender="NAM" if i % 2 else "NU",
                birth_date=dt.date(2016, 1, 1),
                school_id=lop.school_id,
            )
            for lop in classes
            for i in range(per_class)
        ],
        batch_size=5000,
    )
    by_code = dict(Student.objects.filter(code__startswith="B").values_list("code", "pk"))
    enrolments, entries = [], []
    for lop in classes:
        for i in range(per_class):
            pupil = by_code[f"B{lop.pk}-{i}"]
            enrolments.append(Enrolment(student_id=pupil, school_class=lop, school_year=year))
            for slot in ("giua_hk1.muc", "cuoi_hk1.muc"):
                if rng.random() < 0.7:
                    entries.append(
                        Entry(
                            school_year=year,
                            school_class=lop,
                            student_id=pupil,
                            area=first[lop.grade],
                            slot=slot,
                            value="T",
                        )
                    )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    Entry.objects.bulk_create(entries, batch_size=5000)
    return len(entries)


def _staff(schools: list[Any], staff_per_school: int, rng: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from hoso.org.models import Staff
    from hoso.signing.models import Certificate

    users = list(
        get_user_model()
        .objects.filter(username__startswith="bprov")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    Staff.objects.bulk_create(
        [
            Staff(
                code=f"BCB{n}",
                full_name=f"Giáo viên {n}",
                gender="NU",
                unit=schools[n // staff_per_school],
                user_id=user,
            )
            for n, user in enumerate(users)
        ],
        batch_size=5000,
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                kind="personal",
                owner_id=user,
                pem="-",
                subject="CN",
                common_name="CN",
                issuer="CA",
                serial=str(n),
                not_before=now - dt.timedelta(days=100),
                not_after=now + dt.timedelta(days=300),
                fingerprint=f"{n:064d}",
                backend="remote",
                registered_at=now - dt.timedelta(days=100),
            )
            for n, user in enumerate(users)
            if rng.random() < 0.4
        ],
        batch_size=5000,
    )


def _reports(so: Any, actor: Any, schools: list[Any], year: Any, rng: Any) -> None:
    from django.utils import timezone

    from hoso.offices.models import ReportAssignment, ReportRequest, ReportState

    now = timezone.now()
    for n in range(3):
        request = ReportRequest.objects.create(
            office=so,
            school_year=year,
            title=f"Báo cáo {n}",
            deadline=now - dt.timedelta(days=10 * (n + 1)),
            template_kind="document",
            audience="all",
            created_by=actor,
            created_at=now - dt.timedelta(days=40),
        )
        rows = []
        for school in schools:
            sent = rng.random() < 0.85
            rows.append(
                ReportAssignment(
                    request=request,
                    unit=school,
                    state=ReportState.SUBMITTED if sent else ReportState.PENDING,
                    late=sent and rng.random() < 0.1,
                    submitted_at=now - dt.timedelta(days=12 * (n + 1)) if sent else None,
                )
            )
        ReportAssignment.objects.bulk_create(rows, batch_size=5000)


def _publish(so: Any, actor: Any) -> Any:
    from django.utils import timezone

    from hoso.offices.transformation import services
    from hoso.offices.transformation.demo import CRITERIA

    today = timezone.localdate()
    cset = services.criteria_set_create(
        actor=actor,
        office=so,
        title="Bộ chỉ số chuyển đổi số (bench)",
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
        criteria=[services.CriterionIn(**c) for c in CRITERIA],
    )
    return services.criteria_set_publish(actor=actor, set_id=cset.pk)


def _submitted(cset: Any, actor: Any, rng: Any) -> int:
    """A third of the sheets answered with evidence and submitted (bulk, as if done)."""
    from django.utils import timezone

    from hoso.offices.models import Answer, SheetState

    now = timezone.now()
    entered = list(cset.criteria.filter(kind="entered"))
    sheets = [s for s in cset.sheets.all() if rng.random() < 0.33]
    values = {"percent": lambda: rng.randint(40, 100), "yesno": lambda: 1, "level": lambda: 2}
    Answer.objects.bulk_create(
        [
            Answer(
                sheet=sheet,
                criterion=c,
                value=values[c.answer_kind](),
                evidence_sha256="a" * 64,
                evidence_filename="minh-chung.pdf",
                answered_by=actor,
                answered_at=now,
            )
            for sheet in sheets
            for c in entered
        ],
        batch_size=5000,
    )
    cset.sheets.filter(pk__in=[s.pk for s in sheets]).update(
        state=SheetState.SUBMITTED, submitted_at=now, submitted_by=actor
    )
    return len(sheets)


def build(args: Any) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hoso.org.models import Role, SchoolYear
    from hoso.org.services import role_assign

    rng = random.Random(18)
    province = build_province(args.schools, args.staff)
    started = time.perf_counter()
    year = SchoolYear.objects.get(is_current=True)
    actor = get_user_model().objects.create(username="bench-so", password="!")
    role_assign(actor=None, user=actor, role=Role.CV_SO, unit=province["so"], school_year=year)
    schools = _schools()
    with transaction.atomic():
        classes = _classes(schools, year)
        first = _subjects(schools)
        entries = _pupils(classes, year, args.pupils, first, rng)
        _staff(schools, args.staff, rng)
        _reports(province["so"], actor, schools, year, rng)
    cset = _publish(province["so"], actor)
    submitted = _submitted(cset, actor, rng)
    _analyze()
    return {
        **province,
        "actor": actor,
        "cset": cset,
        "schools": schools,
        "entries": entries,
        "submitted": submitted,
        "extra_seconds": time.perf_counter() - started,
    }


class Queries:
    """Counts the SQL statements run inside it (Django empties its own query log when a
    request starts, so CaptureQueriesContext sees none of a test Client's request)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> Queries:
        from django.db import connection

        self._hook = connection.execute_wrapper(self)
        self._hook.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._hook.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def time_refresh(world: dict[str, Any], runs: int) -> dict[str, float]:
    from django.utils import timezone

    from hoso.offices.transformation.scoring import figures_now
    from hoso.offices.transformation.selectors import criteria_of
    from hoso.offices.transformation.services_figures import figures_refresh

    cset = world["cset"]
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        with Queries() as queries:
            figures_refresh(set_id=cset.pk)
        timings.append(time.perf_counter() - began)
    criteria, now = criteria_of(cset), timezone.now()
    sample = world["schools"][: min(50, len(world["schools"]))]
    began = time.perf_counter()
    with Queries() as per_school:
        for school in sample:
            figures_now(criteria, school, cset.school_year, now)
    each = (time.perf_counter() - began) / len(sample)
    return {
        "refresh_s": statistics.median(timings),
        "refresh_max_s": max(timings),
        "refresh_queries": len(queries),
        "per_school_ms": each * 1000,
        "per_school_queries": len(per_school) / len(sample),
    }


def time_pages(world: dict[str, Any], requests: int) -> dict[str, list[float]]:
    from django.test import Client, override_settings

    from hoso.accounts.services import create_token

    cset = world["cset"]
    client = Client()
    client.force_login(world["actor"])
    api = Client(HTTP_AUTHORIZATION=f"Token {create_token(user=world['actor'], name='bench')[1]}")
    cases = {
        "page": (client, f"/van-phong/chuyen-doi-so/{cset.pk}/", requests),
        "api": (api, f"/api/v1/offices/dx-sets/{cset.pk}/scores/", max(5, requests // 4)),
        "export": (client, f"/van-phong/chuyen-doi-so/{cset.pk}/xuat.xlsx", max(5, requests // 4)),
    }
    found: dict[str, list[float]] = {}
    with override_settings(HOSO_2FA_REQUIRED_ROLES=[]):  # a benchmark account, no TOTP
        for label, (who, url, count) in cases.items():
            first = who.get(url)  # warm: templates, the person's menu
            assert first.status_code == 200, (url, first.status_code)
            with Queries() as queries:
                who.get(url)
            if label == "page":
                body = first.content.decode()
                assert "Số liệu tính lúc" in body and body.count('data-label="Hạng"') == len(
                    world["schools"]
                ), "the ranking does not list every school"
            timings = []
            for _ in range(count):
                began = time.perf_counter()
                response = who.get(url)
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            found[label] = timings
            found[f"{label}_queries"] = [float(len(queries))]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=10, help="accounts per school")
    parser.add_argument("--pupils", type=int, default=20, help="pupils per class (5 classes)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests of the page")
    parser.add_argument("--runs", type=int, default=3, help="timed refreshes")
    parser.add_argument(
        "--database-url", default="", help="benchmark database (default: temp SQLite)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and database it made"
    )
    args = parser.parse_args()
    with scratch("hoso-bench-dx-", database_url=args.database_url, keep=args.keep) as place:
        run(args, place.data_dir, place.database_url)


def run(args: Any, data_dir: str, database_url: str) -> None:
    setup(database_url, data_dir)
    from django.db import connection

    migrate()
    print(f"Cơ sở dữ liệu: {connection.vendor}; thư mục dữ liệu tạm: {data_dir}")
    world = build(args)
    print(
        f"Tỉnh sinh ra: {args.schools} trường, {len(world['schools']) * len(GRADES)} lớp, "
        f"{len(world['schools']) * len(GRADES) * args.pupils:,} học sinh, "
        f"{world['entries']:,} ô điểm, {world['due_items']:,} hạn nộp; "
        f"{world['submitted']} phiếu đã nộp "
        f"({world['seconds'] + world['extra_seconds']:.0f} s)"
    )
    print(f"Tải trung bình trước khi đo (1/5/15 phút): {_load()}")
    refresh = time_refresh(world, args.runs)
    print(
        f"Tính lại số liệu cả bộ ({args.schools} trường): trung vị {refresh['refresh_s']:.2f} s, "
        f"chậm nhất {refresh['refresh_max_s']:.2f} s ({args.runs} lần), "
        f"{refresh['refresh_queries']} truy vấn"
    )
    print(
        f"Cách cũ, từng trường: {refresh['per_school_ms']:.0f} ms/trường, "
        f"{refresh['per_school_queries']:.0f} truy vấn/trường "
        f"→ ước {refresh['per_school_ms'] * args.schools / 1000:.1f} s cho {args.schools} trường"
    )
    pages = time_pages(world, args.requests)
    names = {"page": "Trang xếp hạng của Sở", "api": "API scores", "export": "Xuất Excel"}
    for key, label in names.items():
        values = pages[key]
        print(
            f"{label}: trung vị {statistics.median(values):.0f} ms, "
            f"p95 {_pct(values, 0.95):.0f} ms ({len(values)} lần, "
            f"{pages[key + '_queries'][0]:.0f} truy vấn mỗi lần)"
        )
    print(f"Tải trung bình sau khi đo: {_load()}")


if __name__ == "__main__":
    main()
