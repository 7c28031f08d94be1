"""Library benchmarks (issue 14): union-catalogue OPAC search, a loan, MARC import.

    .venv/bin/python bench/bench_library.py --schools 40 --copies 2000     # small, SQLite
    .venv/bin/python bench/bench_library.py --schools 1000 --copies 5000 \\
        --database-url postgres://postgres@127.0.0.1:5432/hoso_bench_library   # the target

Everything runs in a throw-away database and data directory. The province is bulk-inserted:
a Sở, Phòng of 40 schools, each school with its titles (the demo title list, about 560) and
`--copies` copies spread over them. Timings call the real code: `search_index.union_search`
for the Sở (the engine's tantivy search, then the first 50 titles and their availability);
`services.circulation.loan_checkout` then `loan_return` (scan patron, scan copy, confirm — the
service time, audit entry included); `services.imports.marc_import` of generated ISO 2709
records with one 952 holding each.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
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
    "ket noi tri thuc",
    "canh dieu",
    "de men",
    "nguyen nhat anh",
    "am nhac",
    "495.922",
    "chan troi sang tao",
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
    for school in units:
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
    _analyze()
    return {"so": so, "school": units[0], "copies": made, "seconds": time.perf_counter() - started}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_opac(so: Any, repeats: int) -> list[float]:
    """What the union page does: the engine's search, then the 50 titles and their copies."""
    from hoso.library.models import BibRecord
    from hoso.library.search_index import union_search
    from hoso.library.selectors import with_availability

    timings = []
    for index in range(repeats):
        query = QUERIES[index % len(QUERIES)]
        started = time.perf_counter()
        ids, total = union_search(so, query, "", 50, 0)
        found = BibRecord.objects.select_related("school").in_bulk(ids)
        rows = with_availability([found[i] for i in ids if i in found])
        timings.append((time.perf_counter() - started) * 1000)
        assert total == 0 or rows, query
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
    setup(url, data_dir)
    migrate()
    province = build(args.schools, args.copies)
    print(  # noqa: T201
        f"province: {args.schools} schools, {province['copies']:,} copies "
        f"in {province['seconds']:.0f} s ({url.split(':')[0]})"
    )
    from hoso.library.search_index import reindex_all

    started = time.perf_counter()
    indexed = reindex_all()
    print(f"indexed {indexed:,} titles in {time.perf_counter() - started:.0f} s")  # noqa: T201
    time_opac(province["so"], 5)  # warm the caches once
    opac = time_opac(province["so"], args.repeats)
    print(  # noqa: T201
        f"OPAC union search (Sở, first page of 50 + count): p50 {statistics.median(opac):.1f} ms, "
        f"p95 {_p(opac, 0.95):.1f} ms over {len(opac)} queries"
    )
    loans = time_loans(province["school"], args.repeats)
    print(  # noqa: T201
        f"loan (scan patron, scan copy, confirm; service time): p50 {statistics.median(loans):.1f} "
        f"ms, p95 {_p(loans, 0.95):.1f} ms over {len(loans)} loans"
    )
    rate = time_marc(province["school"], args.marc)
    print(f"MARC import: {rate:.0f} records/s ({args.marc} records, one copy each)")  # noqa: T201


if __name__ == "__main__":
    main()
