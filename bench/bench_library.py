"""Library benchmarks (issue 14): union-catalogue OPAC search, a loan, MARC import.

    .venv/bin/python bench/bench_library.py --schools 40 --copies 2000     # small, SQLite
    .venv/bin/python bench/bench_library.py --schools 1000 --copies 5000 \\
        --database-url postgres://postgres@127.0.0.1:5432/hoso_bench_library   # the target

Everything runs in a throw-away database and data directory (bench/scratch.py); the date,
commit and load average are printed before and after the timings. The province is bulk-inserted
school by school: a Sở, Phòng of 40 schools, each school with its titles (the demo title list,
560) and `--copies` copies spread over them. Timings call the real code:
`search_index.union_search` for the Sở and for one Phòng (the engine's tantivy search, then the
first 50 titles and their availability); the reads of a school's own OPAC page (SQL `LIKE` on
the folded column, first page of 20); `services.circulation.loan_checkout` then `loan_return`
(scan patron, scan copy, confirm — the service time, audit entry included);
`services.imports.marc_import` of generated ISO 2709 records with one 952 holding each (its
union-index update after the commit included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import (  # noqa: E402
    _analyze,
    _bulk_schools,
    _bulk_units,
    bench_year,
    migrate,
    setup,
)
from bench.scratch import scratch  # noqa: E402

QUERIES = [
    "toan 5",
    "tieng viet",
    "khoa hoc",
    "lich su dia li",
    "tieng anh global success",
    "ngu van",
    "hoat dong trai nghiem",
    "de men",
    "nguyen nhat anh",
    "am nhac",
    "495.922",
    "giao duc viet nam",
    "tu nhien xa hoi",
    "giao duc cong dan",
    "mi thuat",
]


def build(schools: int, copies: int, seed: int = 11) -> dict[str, Any]:
    from django.db import transaction

    from hoso.library.demo import _fields, _titles
    from hoso.library.models import BibRecord, Copy, LibrarySettings
    from hoso.library.services.catalogue import _search_text
    from hoso.org.models import Unit, UnitKind

    rng = random.Random(seed)
    started = time.perf_counter()
    bench_year()
    items = [_fields(i) for i in _titles()]
    with transaction.atomic():
        so = Unit.objects.create(code="BLIB-SO", name="Sở Bench", kind=UnitKind.SO)
        Unit.objects.filter(pk=so.pk).update(path=f"/{so.pk}/")
        so.path = f"/{so.pk}/"
        phongs = _bulk_units(
            so, [(f"BLIB-P{i}", f"Phòng {i}", UnitKind.PHONG) for i in range(max(1, schools // 40))]
        )
        units = _bulk_schools(
            [(phongs[i % len(phongs)], f"BENCH-S{i}", f"Trường {i}") for i in range(schools)]
        )
    made = 0
    for number, school in enumerate(units, start=1):
        with transaction.atomic():
            records = BibRecord.objects.bulk_create(
                [BibRecord(school=school, search_text=_search_text(f), **f) for f in items],
                batch_size=1000,
            )
            rows = [
                Copy(
                    record=records[n % len(records)] if n >= len(records) else records[n],
                    school=school,
                    reg_number=n + 1,
                    barcode=f"{school.code}-{n + 1:06d}",
                    status="on_loan" if rng.random() < 0.05 else "available",
                )
                for n in range(copies)
            ]
            Copy.objects.bulk_create(rows, batch_size=5000)
            LibrarySettings.objects.create(school=school, next_reg_number=copies + 1)
            made += len(rows)
        if number % 100 == 0:
            say(f"  {number} schools, {made:,} copies, {time.perf_counter() - started:.0f} s")
    _analyze()
    return {
        "so": so,
        "phong": phongs[0],
        "school": units[0],
        "copies": made,
        "seconds": time.perf_counter() - started,
    }


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def stamp() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{now}, commit {commit}{' (modified)' if dirty else ''}, load average {loadavg()}"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_opac(unit: Any, repeats: int) -> list[float]:
    """What the union page does: the engine's search, then the 50 titles and their copies."""
    from hoso.library.models import BibRecord
    from hoso.library.search_index import union_search
    from hoso.library.selectors import with_availability

    timings = []
    for index in range(repeats):
        query = QUERIES[index % len(QUERIES)]
        started = time.perf_counter()
        ids, total = union_search(unit, query, "", 50, 0)
        found = BibRecord.objects.select_related("school").in_bulk(ids)
        rows = with_availability([found[i] for i in ids if i in found])
        timings.append((time.perf_counter() - started) * 1000)
        assert total == 0 or rows, query
    return timings


def time_school_opac(school: Any, repeats: int) -> list[float]:
    """What a school's own OPAC page reads (views.catalogue.opac): `LIKE` per word on the
    folded column of the school's titles, the first page of 20 and its count, availability
    and the copies on the shelves."""
    from django.core.paginator import Paginator

    from hoso.library.models import Copy, CopyStatus
    from hoso.library.selectors import school_records, with_availability

    timings = []
    for index in range(repeats):
        started = time.perf_counter()
        page = Paginator(school_records(school, QUERIES[index % len(QUERIES)]), 20).get_page(1)
        rows = with_availability(page.object_list)
        shelves = Copy.objects.filter(record_id__in=[r.pk for r in rows])
        list(shelves.exclude(status=CopyStatus.WEEDED).order_by("reg_number"))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_loans(school: Any, repeats: int) -> list[float]:
    from django.contrib.auth import get_user_model

    from hoso.library.models import Copy
    from hoso.library.services import circulation
    from hoso.org.models import Gender, Role, RoleAssignment, SchoolYear, Student

    year = (
        SchoolYear.objects.get(is_current=True)
        if SchoolYear.objects.filter(is_current=True).exists()
        else SchoolYear.objects.first()
    )
    SchoolYear.objects.filter(pk=year.pk).update(is_current=True)
    librarian = get_user_model().objects.create(username="bench.thuthu")
    RoleAssignment.objects.create(user=librarian, role=Role.TV, unit=school, school_year=year)
    pupils = [
        Student.objects.create(
            code=f"BLIB{i:06d}",
            full_name=f"Học sinh {i}",
            gender=Gender.NAM,
            birth_date="2015-01-01",
            school=school,
        )
        for i in range(repeats)
    ]
    copies = list(Copy.objects.filter(school=school, status="available")[:repeats])
    timings = []
    for pupil, copy in zip(pupils, copies, strict=False):
        started = time.perf_counter()
        circulation.loan_checkout(
            actor=librarian, school=school, patron_code=pupil.code, barcode=copy.barcode
        )
        timings.append((time.perf_counter() - started) * 1000)
        circulation.loan_return(actor=librarian, school=school, barcode=copy.barcode)
    return timings


def marc_bytes(count: int) -> bytes:
    import pymarc

    from hoso.library.marc import _field

    out = io.BytesIO()
    for n in range(count):
        record = pymarc.Record(force_utf8=True)
        record.add_field(_field("082", "04", ("a", "895.9223")))
        record.add_field(_field("100", "1 ", ("a", "Nguyễn Nhật Ánh")))
        record.add_field(_field("245", "10", ("a", f"Tuyển tập truyện ngắn số {n}")))
        record.add_field(_field("260", "  ", ("a", "TP. HCM"), ("b", "NXB Trẻ"), ("c", "2020")))
        record.add_field(_field("952", "  ", ("p", f"MARC-{n:07d}"), ("c", "Giá 1")))
        out.write(record.as_marc())
    return out.getvalue()


def time_marc(school: Any, count: int) -> float:
    from django.contrib.auth import get_user_model

    from hoso.library.services.imports import marc_import

    librarian = get_user_model().objects.get(username="bench.thuthu")
    data = marc_bytes(count)
    started = time.perf_counter()
    result = marc_import(actor=librarian, school=school, data=data)
    seconds = time.perf_counter() - started
    assert result.records == count
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--marc", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and database it made"
    )
    args = parser.parse_args()
    with scratch("hoso-bench-library-", database_url=args.database_url, keep=args.keep) as place:
        run(args, place.data_dir, place.database_url)


def run(args: Any, data_dir: str, url: str) -> None:
    say(f"start: {stamp()}")
    setup(url, data_dir)
    migrate()
    province = build(args.schools, args.copies)
    say(
        f"province: {args.schools} schools, {province['copies']:,} copies "
        f"in {province['seconds']:.0f} s ({url.split(':')[0]})"
    )
    from hoso.library.search_index import reindex_all

    started = time.perf_counter()
    indexed = reindex_all()
    say(f"indexed {indexed:,} titles in {time.perf_counter() - started:.0f} s")
    say(f"timings start: {stamp()}")
    time_opac(province["so"], 5)  # warm the caches once
    for name, unit in (("Sở", province["so"]), ("one Phòng", province["phong"])):
        opac = time_opac(unit, args.repeats)
        say(
            f"OPAC union search ({name}, first page of 50 + count): "
            f"p50 {statistics.median(opac):.1f} ms, p95 {_p(opac, 0.95):.1f} ms, "
            f"max {max(opac):.1f} ms over {len(opac)} queries"
        )
        # Each query runs repeats/15 times, so p95 is about the heaviest query's best run.
        worst = max(range(len(opac)), key=opac.__getitem__)
        query = QUERIES[worst % len(QUERIES)]
        runs = sorted(t for i, t in enumerate(opac) if QUERIES[i % len(QUERIES)] == query)
        say(f"  slowest query {query!r}: " + ", ".join(f"{t:.1f}" for t in runs) + " ms")
    time_school_opac(province["school"], 5)
    own = time_school_opac(province["school"], args.repeats)
    say(
        f"a school's own OPAC (SQL, first page of 20 + count): p50 {statistics.median(own):.1f} "
        f"ms, p95 {_p(own, 0.95):.1f} ms over {len(own)} queries"
    )
    loans = time_loans(province["school"], args.repeats)
    say(
        f"loan (scan patron, scan copy, confirm; service time): p50 {statistics.median(loans):.1f} "
        f"ms, p95 {_p(loans, 0.95):.1f} ms over {len(loans)} loans"
    )
    rate = time_marc(province["school"], args.marc)
    say(f"MARC import: {rate:.0f} records/s ({args.marc} records, one copy each)")
    say(f"timings end: {stamp()}")


if __name__ == "__main__":
    main()
