"""Books benchmark (issue 19): a school's học bạ for a year — 500 pupils — generated in the
official TT 27 layout and signed through the whole chain (GVCN, principal, school seal).

    .venv/bin/python bench/bench_books.py                 # 500 pupils, temp SQLite
    .venv/bin/python bench/bench_books.py --pupils 50     # quick
    .venv/bin/python bench/bench_books.py --database-url postgres://postgres@127.0.0.1:5432/hoso_bench

Runs in a throw-away data directory and database (never the real ones). Not timed, and in a
child process (not in the memory figure either): migrate, and build the bench's own school
(Sở > Phòng > TH Nguyễn Du, its principal, văn thư and teachers with demo certificates; not
the whole demo province, which cost minutes and most of the memory). Then, not timed, add
lớp 5 classes of 25 pupils with every particular and every year-end assessment, and time
(1) the class batches that make the drafts (PDF + XML from the frozen data) and (2) the class
signing batches of the GVCN, the principal and the văn thư's seal — the same services the
pages call. The drafts' forms are laid out over the machine's cores by the pool of
hoso.core.cores, as in the worker (HOSO_CPU_PROCESSES=0 lays them out in this process, as
before). Peak memory is this process's maximum RSS, and each pool process's beside it; CPU
time of this process is reported too (the machine may be shared)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch  # noqa: E402

CLASS_SIZE = 25


def setup(database_url: str, data_dir: str) -> None:
    os.environ["HOSO_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    os.environ["HOSO_DEMO_MODE"] = "1"
    os.environ["HOSO_TASKS_IMMEDIATE"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoso.settings"
    import django

    django.setup()


def prepare_apart() -> None:
    """Migrate the scratch database and build the bench's world (`build_world`) in a process of
    its own, with the same settings through the environment: set-up, not the học bạ work.
    Django's migration states and the demo PKI's key material took this process to 250 MB
    before the work began, and Python keeps what it once held."""
    import subprocess

    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0, interactive=False); "
        "from bench.bench_books import build_world; build_world()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)  # noqa: S603


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start the peak-RSS reading afresh (Linux: writing 5 to clear_refs resets VmHWM), so that
    the học bạ work is measured without the set-up before it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def window_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_mb()


# The bench's own school (not the demo province: loading that was most of the process's
# memory and minutes of set-up): Sở > Phòng > TH1 with a principal, a văn thư and teachers.
TEACHERS = 8


def build_world() -> None:
    """Sở > Phòng > TH1 "Trường Tiểu học Nguyễn Du" and its Tổ, the year the demo would make,
    the principal `th1.hieutruong`, the văn thư `th1.vanthu` and TEACHERS teachers, through
    the org services; demo certificates (with their images) for each and the school's seal."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from hoso.org.demo_clock import anchor_date, school_year_of
    from hoso.org.models import Gender, Role, SchoolYear, UnitKind
    from hoso.org.services import role_assign, staff_create, unit_create
    from hoso.signing.demo import create_demo_pki

    dates = school_year_of(anchor_date())
    with transaction.atomic():
        year = SchoolYear.objects.create(
            name=dates.name,
            start_date=dates.start_date,
            end_date=dates.end_date,
            term1_end=dates.term1_end,
            is_current=True,
        )
        so = unit_create(
            actor=None, code="SO-BENCH", name="Sở GDĐT Tỉnh Demo", kind=UnitKind.SO, parent=None
        )
        phong = unit_create(
            actor=None, code="PGD-1", name="Phòng GDĐT Huyện An Phú", kind=UnitKind.PHONG, parent=so
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
            actor=None, code="TH1-TO45", name="Tổ khối 4-5", kind=UnitKind.TO, parent=school
        )
        password = make_password(settings.DEMO_PASSWORD)
        plan = [("th1.hieutruong", "Hiệu trưởng", Role.HT, school)]
        plan.append(("th1.vanthu", "Văn thư", Role.VT, school))
        plan += [(f"th1.giaovien{n}", "Giáo viên", Role.GV, group) for n in range(1, TEACHERS + 1)]
        people = []
        for number, (username, position, role, unit) in enumerate(plan, start=1):
            full_name = f"Nguyễn Văn {chr(ord('A') + number - 1)}"
            user = get_user_model().objects.create(
                username=username, password=password, first_name=full_name
            )
            staff = staff_create(
                actor=None,
                unit=unit,
                code=f"CB{number:05d}",
                full_name=full_name,
                gender=Gender.NAM,
                position=position,
            )
            staff.user = user
            staff.save(update_fields=["user"])
            role_assign(actor=None, user=user, role=role, unit=unit, school_year=year)
            people.append(user)
    create_demo_pki(users=people, schools=[school])


def build(pupils: int) -> list[tuple[Any, Any]]:
    """Classes 5B, 5C, … of TH1 with complete pupils; returns (class, GVCN) pairs."""
    from django.db import transaction

    from hoso.grading.catalogue import class_subjects, sheet_columns
    from hoso.grading.models import Entry, Homeroom
    from hoso.grading.sheets import PCNL
    from hoso.org.demo import _particulars
    from hoso.org.demo_names import random_name
    from hoso.org.models import Enrolment, Gender, Role, RoleAssignment, Unit, UnitKind
    from hoso.org.services import student_create, unit_create
    from hoso.org.years import current_year

    rng = random.Random(19)
    year = current_year()
    th1 = Unit.objects.get(code="TH1")
    teachers = [
        r.user
        for r in RoleAssignment.objects.filter(unit__school=th1, role=Role.GV).select_related(
            "user"
        )
    ]
    values = {"level": "T", "score_int": "9", "trait": "tot", "text": "Chăm ngoan, học tốt."}
    out = []
    with transaction.atomic():
        for index in range((pupils + CLASS_SIZE - 1) // CLASS_SIZE):
            name = f"5{chr(ord('B') + index)}" if index < 25 else f"5Z{index}"
            school_class = unit_create(
                actor=None,
                code=f"TH1-BENCH-{name}",
                name=f"Lớp {name}",
                kind=UnitKind.LOP,
                parent=th1,
                school_year=year,
                grade=5,
            )
            gvcn = teachers[index % len(teachers)]
            Homeroom.objects.create(teacher=gvcn, school_class=school_class, school_year=year)
            columns = [
                c
                for sheet in [s.code for s in class_subjects(school_class)] + [PCNL]
                for c in sheet_columns(school_class, sheet)
                if c.checkpoint == "cuoi_nam"
            ]
            size = min(CLASS_SIZE, pupils - index * CLASS_SIZE)
            entries = []
            for number in range(size):
                gender = rng.choice([Gender.NAM, Gender.NU])
                full_name = random_name(rng, gender)
                birth = dt.date(2015, rng.randint(1, 12), rng.randint(1, 28))
                student = student_create(
                    actor=None,
                    school=th1,
                    code=f"BENCH{index:03d}{number:03d}",
                    full_name=full_name,
                    gender=gender,
                    birth_date=birth,
                    **{
                        **_particulars(rng, full_name, gender, birth, "phong1", 5, 0),
                        "register_number": f"B{index:03d}{number:03d}",
                        "admitted_on": dt.date(2021, 9, 5),
                    },
                )
                Enrolment.objects.create(
                    student=student, school_class=school_class, school_year=year
                )
                entries += [
                    Entry(
                        school_year=year,
                        school_class=school_class,
                        student=student,
                        area=c.area,
                        slot=c.slot,
                        value=values[c.kind],
                    )
                    for c in columns
                ]
            Entry.objects.bulk_create(entries, batch_size=2000)
            out.append((school_class, gvcn))
    return out


def run(pupils: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from hoso.grading.hocba.services.batches import (
        hocba_batch_create,
        hocba_batch_run,
        hocba_batch_sign,
    )
    from hoso.grading.models import HocBaStatus, HocBaVersion

    classes = build(pupils)
    users = get_user_model().objects
    principal, clerk = users.get(username="th1.hieutruong"), users.get(username="th1.vanthu")
    started, cpu_started = time.perf_counter(), time.process_time()
    for school_class, gvcn in classes:
        batch = hocba_batch_create(actor=gvcn, school_class=school_class)
        hocba_batch_run(batch_id=batch.pk)
    made, cpu_made = time.perf_counter(), time.process_time()
    for step in ("gvcn", "ht", "seal"):
        for school_class, gvcn in classes:
            actor = {"gvcn": gvcn, "ht": principal, "seal": clerk}[step]
            batch = hocba_batch_sign(
                actor=actor, school_class=school_class, passphrase=settings.DEMO_PASSWORD
            )
            hocba_batch_run(batch_id=batch.pk)
    signed, cpu_signed = time.perf_counter(), time.process_time()
    pool = pool_peaks_mb()
    versions = HocBaVersion.objects.filter(school_class__in=[c for c, _ in classes])
    return {
        "pupils": pupils,
        "drafts": versions.count(),
        "issued": versions.filter(status=HocBaStatus.ISSUED).count(),
        "generate_s": made - started,
        "sign_s": signed - made,
        "total_s": signed - started,
        # CPU time of this process: what the work costs whatever else the machine runs
        "generate_cpu_s": cpu_made - cpu_started,
        "sign_cpu_s": cpu_signed - cpu_made,
        "peak_mb": peak_mb(),
        "pool_mb": pool,
    }


class PssSampler:
    """The memory of all the work's processes together: this process and the pool's, summed as
    PSS (a page shared by n processes counts 1/n in each), read from /proc every quarter second.
    Summing RSS instead would count the shared libraries once per process."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.pool_peak_mb = 0.0  # the largest pool process seen
        self.pool_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        from hoso.core.cores import pool_pids

        while not self._stop.wait(0.25):
            try:
                pids = pool_pids()
            except RuntimeError:  # the pool changed its processes while being read
                continue
            pool = [pss_mb(pid) for pid in pids]
            self.pool_seen.update(pids)
            self.pool_peak_mb = max([self.pool_peak_mb, *pool])
            self.peak_mb = max(self.peak_mb, pss_mb(os.getpid()) + sum(pool))


def pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # the process ended between the listing and the reading
        return 0.0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pool_peaks_mb() -> list[float]:
    """Peak RSS of each process of the layout pool (hoso.core.cores), then the pool closed: the
    học bạ are laid out over the cores (HOSO_CPU_PROCESSES), and those processes' memory
    counts too. Their CPU time is not in this process's figure: the wall time says it all."""
    from hoso.core.cores import close_pool, pool_pids

    peaks = []
    for pid in pool_pids():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    close_pool()
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and database it made"
    )
    args = parser.parse_args()
    with scratch("hoso-bench-books-", database_url=args.database_url, keep=args.keep) as place:
        run_all(args, place.data_dir, place.database_url)


def run_all(args: Any, data_dir: str, database_url: str) -> None:
    setup(database_url, data_dir)
    print(f"loadavg before: {Path('/proc/loadavg').read_text().strip()}")  # noqa: T201
    prepare_apart()
    memory_after_world = peak_mb()
    isolated = reset_peak()
    with PssSampler() as sampler:
        result = run(args.pupils)
    result["window_mb"] = window_peak_mb() if isolated else result["peak_mb"]
    print(f"loadavg after:  {Path('/proc/loadavg').read_text().strip()}")  # noqa: T201
    print(  # noqa: T201
        f"{result['pupils']} pupils: {result['drafts']} drafts, {result['issued']} issued; "
        f"generate {result['generate_s']:.1f} s, sign (3 steps) {result['sign_s']:.1f} s, "
        f"total {result['total_s']:.1f} s ({result['total_s'] / 60:.2f} min); "
        f"CPU of the process: generate {result['generate_cpu_s']:.1f} s, "
        f"sign {result['sign_cpu_s']:.1f} s; "
        f"peak RSS {result['peak_mb']:.0f} MB (after the set-up {memory_after_world:.0f} MB; "
        f"during the học bạ work alone {result['window_mb']:.0f} MB)"
    )
    pool = result["pool_mb"]
    print(  # noqa: T201
        f"layout pool: {len(pool)} processes (HOSO_CPU_PROCESSES), peak RSS "
        + (", ".join(f"{mb:.0f}" for mb in pool) or "-")
        + f" MB; all processes together at most {result['window_mb'] + sum(pool):.0f} MB"
        f" by RSS, peak {sampler.peak_mb:.0f} MB by PSS (sampled every 0.25 s)"
    )
    from hoso.core.cores import TASKS_PER_PROCESS

    print(  # noqa: T201
        f"pool processes seen during the work: {len(sampler.pool_seen)} (each is replaced after "
        f"its {TASKS_PER_PROCESS} tasks), the largest {sampler.pool_peak_mb:.0f} MB by PSS"
    )


if __name__ == "__main__":
    main()
