"""CSDL ngành import benchmark (issue 15): 5,000 students from a generated file in the
"Danh sách học sinh" layout (hoc-sinh-2024), preview then confirm, target ≤ 30 s in all.

    .venv/bin/python bench/bench_csdl_import.py                      # SQLite
    .venv/bin/python bench/bench_csdl_import.py --students 5000 \\
        --database-url postgres://postgres@127.0.0.1:5432/hoso_bench_csdl

A throw-away database and data folder (bench/scratch.py). One school and its văn thư are made;
the file is written with the export code's workbook writer (every row a new student with a
valid số định danh cá nhân, dân tộc, parents); the timed calls are the real services:
`csdl_preview` (read, recognise the layout, validate, match, diff) and `csdl_confirm` (read and
check again, then every row through org's student service, audited, in one transaction). A
second preview of the same file (now "nothing changed") is timed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import bench_year, migrate, setup  # noqa: E402
from bench.scratch import scratch  # noqa: E402

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Gia", "Bảo")
GIVEN = ("An", "Bình", "Châu", "Dung", "Giang", "Hải", "Hoa", "Khôi", "Linh", "Nam", "Phúc")
PROVINCES = ("001", "024", "087", "079", "036")


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def stamp() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{now}, commit {commit}, load average {load}"


def rows(count: int, seed: int = 15) -> list[dict[str, str]]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        male = rng.random() < 0.5
        birth = dt.date(2013 + n % 6, 1 + rng.randrange(12), 1 + rng.randrange(28))
        sex = ("2" if male else "3") if birth.year >= 2000 else ("0" if male else "1")
        pid = f"{rng.choice(PROVINCES)}{sex}{birth.year % 100:02d}{n:06d}"
        made.append(
            {
                "code": f"HSB{n:07d}",
                "moet_code": f"{7900000000 + n}",
                "register_number": str(n + 1),
                "personal_id": pid,
                "full_name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "birth_date": birth.strftime("%d/%m/%Y"),
                "gender": "Nam" if male else "Nữ",
                "nationality": "Việt Nam",
                "ethnicity": rng.choice(("Kinh", "Kinh", "Kinh", "Tày", "Mường", "Nùng")),
                "address": f"Thôn {1 + n % 9}, Xã An Phú",
                "father_name": f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
                "mother_name": f"{rng.choice(SURNAMES)} Thị {rng.choice(GIVEN)}",
                "admitted_on": "05/09/2025",
            }
        )
    return made


def world() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from hoso.org.models import Role, UnitKind
    from hoso.org.services import role_assign, unit_create

    year = bench_year()
    so = unit_create(actor=None, code="BENCH-SO", name="Sở thử", kind=UnitKind.SO, parent=None)
    school = unit_create(
        actor=None,
        code="BENCH-TH",
        name="Trường Tiểu học Thử",
        kind=UnitKind.TRUONG,
        parent=so,
        level="TH",
    )
    clerk = get_user_model().objects.create_user(username="bench.vanthu", password=None)
    role_assign(actor=None, user=clerk, role=Role.VT, unit=school, school_year=year)
    return school, clerk


def run(args: Any, data_dir: str, url: str) -> None:
    say(f"start: {stamp()}")
    setup(url, data_dir)
    os.environ.setdefault("HOSO_IMPORT_MAX_ROWS", str(max(args.students, 20000)))
    migrate()
    from hoso.org.csdl.services import csdl_confirm, csdl_preview
    from hoso.org.csdl.workbook import write_layout
    from hoso.org.models import Student

    school, clerk = world()
    data = write_layout("hoc-sinh-2024", rows(args.students))
    say(f"file: {args.students:,} students, {len(data) / 1024:.0f} KB ({url.split(':')[0]})")
    say(f"timings start: {stamp()}")
    started = time.perf_counter()
    preview = csdl_preview(actor=clerk, school=school, data=data)
    previewed = time.perf_counter() - started
    assert preview.plan.ok and preview.token, preview.plan.errors[:5]
    csdl_confirm(actor=clerk, school=school, token=preview.token)
    total = time.perf_counter() - started
    assert Student.objects.filter(school=school).count() == args.students
    started = time.perf_counter()
    again = csdl_preview(actor=clerk, school=school, data=data).plan
    unchanged = time.perf_counter() - started
    assert again.count("same") == args.students
    say(f"preview: {previewed:.1f} s")
    say(f"preview + confirm (import): {total:.1f} s  (target ≤ 30 s)")
    say(f"second preview, nothing changed: {unchanged:.1f} s")
    say(f"end: {stamp()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and database")
    args = parser.parse_args()
    with scratch("hoso-bench-csdl-", database_url=args.database_url, keep=args.keep) as place:
        run(args, place.data_dir, place.database_url)


if __name__ == "__main__":
    main()
