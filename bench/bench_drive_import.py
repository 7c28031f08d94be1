"""Drive import benchmark (issue 15): a Google-Takeout-shaped zip of 2,000 files, 1 GB in all
(PDFs of about 500 KB each, in teachers' week folders), brought in as records.

    .venv/bin/python bench/bench_drive_import.py                # 2,000 files, ~1 GB, temp SQLite
    .venv/bin/python bench/bench_drive_import.py --files 100    # quick
    .venv/bin/python bench/bench_drive_import.py --database-url postgres://postgres@127.0.0.1:5432/hoso_bench_drive

Runs in a throw-away data folder and database (bench/scratch.py). Not timed: migrate (in a
child process), the bench's school (Sở > Phòng > TH Nguyễn Du, its principal, a Tổ and 20
named teachers, the past year 2024-2025) and the zip, written to the scratch folder. Timed,
the same services the pages call: the upload (zip checked from its directory, kept in the blob
store), the scan (tree, every file hashed, proposals), and the run that makes one archived
record per file through hoso.records' record_import (file gate, store, history, audit).
Renditions are queued for the worker, as in production, and not run here. Memory: this
process's PSS sampled every quarter second during the timed work (the only process of the
import; the worker that would run it is this same code)."""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_books import PssSampler  # noqa: E402
from bench.scratch import scratch  # noqa: E402

TEACHERS = 20
FIRST = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
LAST = ["Thị Lan", "Văn Bình", "Thị Hoa", "Minh Tuấn", "Thu Hà", "Quốc Anh", "Ngọc Mai"]


def setup(database_url: str, data_dir: str) -> None:
    os.environ["HOSO_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    os.environ["HOSO_TASKS_IMMEDIATE"] = "0"  # renditions wait for the worker
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoso.settings"
    import django

    django.setup()


def migrate_apart() -> None:
    import subprocess

    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0, interactive=False)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)  # noqa: S603


def teacher_names() -> list[str]:
    names = [f"{a} {b}" for a in FIRST for b in LAST]
    return random.Random(15).sample(names, TEACHERS)


def build_world() -> tuple[object, object]:
    """The school, its văn thư (who imports) and TEACHERS named teachers in one Tổ."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hoso.org.models import Gender, Role, SchoolYear, UnitKind
    from hoso.org.services import role_assign, staff_create, unit_create
    from hoso.records.catalogue import load_catalogue
    from hoso.records.models import RecordType

    users = get_user_model()
    with transaction.atomic():
        if not RecordType.objects.filter(code="TT28.KHBD").exists():
            load_catalogue(RecordType)
        year = SchoolYear.objects.create(
            name="2025-2026",
            start_date=dt.date(2025, 9, 5),
            end_date=dt.date(2026, 5, 31),
            term1_end=dt.date(2026, 1, 17),
            is_current=True,
        )
        SchoolYear.objects.create(
            name="2024-2025",
            start_date=dt.date(2024, 9, 5),
            end_date=dt.date(2025, 5, 31),
            term1_end=dt.date(2025, 1, 18),
        )
        so = unit_create(actor=None, code="SO-B", name="Sở GDĐT", kind=UnitKind.SO, parent=None)
        phong = unit_create(
            actor=None, code="PGD-B", name="Phòng GDĐT", kind=UnitKind.PHONG, parent=so
        )
        school = unit_create(
            actor=None,
            code="TH1",
            name="Trường Tiểu học Nguyễn Du",
            kind=UnitKind.TRUONG,
            parent=phong,
            level="TH",
        )
        group = unit_create(
            actor=None, code="TH1-TO1", name="Tổ 1", kind=UnitKind.TO, parent=school
        )
        clerk = users.objects.create_user("th1.vanthu", first_name="Văn thư")
        role_assign(actor=None, user=clerk, role=Role.VT, unit=school, school_year=year)
        for number, name in enumerate(teacher_names(), start=1):
            user = users.objects.create_user(f"th1.gv{number}", first_name=name)
            role_assign(actor=None, user=user, role=Role.GV, unit=group, school_year=year)
            staff = staff_create(
                actor=None, code=f"B{number:04d}", full_name=name, gender=Gender.NU, unit=group
            )
            staff.user = user
            staff.save(update_fields=["user"])
    return school, clerk


def pdf_of(size: int, rng: random.Random, title: str) -> bytes:
    """A valid one-page PDF of about `size` bytes: a grey image of incompressible bytes (the
    weight of a scanned page), drawn on the page."""
    import pikepdf

    side = max(int(size**0.5), 16)
    pdf = pikepdf.new()
    pdf.docinfo["/Title"] = title
    page = pdf.add_blank_page(page_size=(595, 842))
    image = pikepdf.Stream(pdf, rng.randbytes(side * side))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = side, side, 8
    image.ColorSpace = pikepdf.Name.DeviceGray
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 500 0 0 500 47 171 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def write_zip(path: Path, files: int, total_bytes: int) -> int:
    """Takeout/Drive/Hồ sơ chuyên môn/<teacher>/Năm học 2024 - 2025/Kế hoạch bài dạy/Tuần NN/…"""
    rng = random.Random(2025)
    names = teacher_names()
    each = total_bytes // files
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for number in range(files):
            teacher = names[number % len(names)]
            week = number // len(names) % 35 + 1
            lesson = number // (len(names) * 35) + 1
            name = (
                f"Takeout/Drive/Hồ sơ chuyên môn/{teacher}/Năm học 2024 - 2025/Kế hoạch bài dạy/"
                f"Tuần {week:02d}/KHBD tuần {week} bài {lesson}.pdf"
            )
            data = pdf_of(rng.randint(each * 8 // 10, each * 12 // 10), rng, f"KHBD {number}")
            out.writestr(name, data)
            written += len(data)
        out.writestr("Takeout/archive_browser.html", b"<html></html>")
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--megabytes", type=int, default=0, help="total size (default 0.5 MB/file)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    total = (args.megabytes or args.files // 2) * 1024 * 1024
    with scratch("hoso-bench-drive-", database_url=args.database_url, keep=args.keep) as place:
        setup(place.database_url, place.data_dir)
        migrate_apart()
        school, clerk = build_world()
        zip_path = Path(place.data_dir) / "takeout-2025.zip"
        started = time.perf_counter()
        pdf_bytes = write_zip(zip_path, args.files, total)
        print(  # noqa: T201
            f"zip: {args.files} files, {pdf_bytes / 1e6:.0f} MB of PDFs, "
            f"{zip_path.stat().st_size / 1e6:.0f} MB zipped, written in "
            f"{time.perf_counter() - started:.1f} s (not timed)"
        )
        run(school, clerk, zip_path, args.files, place.database_url)


def run(school: object, clerk: object, zip_path: Path, files: int, url: str) -> None:
    from django.db import connection

    from hoso.drive_import.models import ImportBatch
    from hoso.drive_import.services.batches import (
        batch_confirm,
        batch_run,
        batch_scan,
        batch_upload,
    )
    from hoso.records.models import Record

    cpu0 = time.process_time()
    with PssSampler() as sampler:
        t0 = time.perf_counter()
        with open(zip_path, "rb") as stream:
            batch = batch_upload(actor=clerk, school=school, stream=stream, filename=zip_path.name)
        t1 = time.perf_counter()
        batch_scan(batch_id=batch.pk)
        t2 = time.perf_counter()
        batch = ImportBatch.objects.get(pk=batch.pk)
        batch_confirm(actor=clerk, batch=batch)
        batch_run(batch_id=batch.pk)
        t3 = time.perf_counter()
    cpu = time.process_time() - cpu0
    batch.refresh_from_db()
    records = Record.objects.filter(school=school).count()
    whole = t3 - t0
    print(  # noqa: T201
        f"database: {connection.vendor}; batch {batch.status}: {batch.done} imported, "
        f"{batch.failed} failed, {records} records\n"
        f"upload (check + store) {t1 - t0:.1f} s; scan (tree, hashes, proposals) {t2 - t1:.1f} s; "
        f"import {t3 - t2:.1f} s = {batch.done / (t3 - t2):.1f} files/s; "
        f"all together {whole:.1f} s = {files / whole:.1f} files/s\n"
        f"CPU time of this process {cpu:.1f} s ({batch.done / cpu:.1f} files per CPU second; "
        f"the rest of the wall time is waiting: disk, fsync, other processes)\n"
        f"peak memory {sampler.peak_mb:.0f} MB by PSS (sampled every 0.25 s)\n"
        f"load: {Path('/proc/loadavg').read_text().strip()}"
    )


if __name__ == "__main__":
    main()
