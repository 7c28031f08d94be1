"""A province for the benchmarks that need one, written with bulk inserts (never the services:
a million rows through them would take hours): Sở → Phòng (40 schools each) → schools (level
TH) → 3 groups each; staff as users; due items of the school year for them.

    setup(database_url, data_dir); migrate()
    province = build_province(1000, 30)                        # bench_records: weekly KHBD only
    province = build_province(1000, 30, year=year, types=MIXED_TYPES, now=now)

Shared by bench_records.py and bench_dashboard.py."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

# What a primary school owes in a year (the catalogue's required TH types, homeroom books left
# out: they need classes): weekly lesson plans and termly professional books per teacher,
# monthly group meetings per group, the school's termly, yearly and one-off records.
MIXED_TYPES = (
    "TT28.KHBD",
    "TT28.SGCM",
    "TT28.SHTO",
    "TT28.BTHKQ",
    "TT28.KHGDNT",
    "TT28.SDB",
    "TT28.HOCBA",
    "TT28.QLCB",
    "TT28.PCGD",
    "TT28.TSTC",
    "TT28.QLVB",
)


def setup(database_url: str, data_dir: str) -> None:
    os.environ["HOSO_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    os.environ["HOSO_TASKS_IMMEDIATE"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoso.settings"
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def bench_year() -> Any:
    """2025-2026, current: the year bench_records has always measured."""
    return school_year("2025-2026", dt.date(2025, 9, 5), dt.date(2026, 5, 31), dt.date(2026, 1, 17))


def school_year(name: str, start: dt.date, end: dt.date, term1_end: dt.date) -> Any:
    from hoso.org.models import SchoolYear

    SchoolYear.objects.exclude(name=name).update(is_current=False)
    year, _ = SchoolYear.objects.get_or_create(
        name=name,
        defaults={
            "start_date": start,
            "end_date": end,
            "term1_end": term1_end,
            "is_current": True,
        },
    )
    return year


def year_around(today: dt.date) -> Any:
    """The school year (5 Sep – 31 May) that `today` falls in, or the one starting this Sep."""
    first = today.year if today.month >= 8 else today.year - 1
    return school_year(
        f"{first}-{first + 1}",
        dt.date(first, 9, 5),
        dt.date(first + 1, 5, 31),
        dt.date(first + 1, 1, 16),
    )


def build_province(
    schools: int,
    staff_per_school: int,
    seed: int = 7,
    *,
    year: Any = None,
    types: tuple[str, ...] = ("TT28.KHBD",),
    now: dt.datetime | None = None,
    extended: float = 0.0,
) -> dict[str, Any]:
    """The units, the staff and their due items. An item due before `now` (every item when
    `now` is None) is ~80 % on time, ~8 % late, the rest missing; one due later is open, except
    ~5 % sent early. `extended`: the share of items whose deadline a principal extended by 3
    days (`effective_due_at` moves)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hoso.org.models import Unit, UnitKind
    from hoso.records.models import RecordType

    rng = random.Random(seed)
    started = time.perf_counter()
    year = year or bench_year()
    with transaction.atomic():
        so = Unit.objects.create(code="BENCH-SO", name="Sở GDĐT Bench", kind=UnitKind.SO)
        Unit.objects.filter(pk=so.pk).update(path=f"/{so.pk}/")
        so.path = f"/{so.pk}/"
        phongs = _bulk_units(
            so,
            [(f"BENCH-P{i}", f"Phòng {i}", UnitKind.PHONG) for i in range(max(1, schools // 40))],
        )
        school_specs = [
            (phongs[i % len(phongs)], f"BENCH-S{i}", f"Trường {i}") for i in range(schools)
        ]
        school_units = _bulk_schools(school_specs)
        groups = _bulk_groups(school_units)
        users = _bulk_users(get_user_model(), schools * staff_per_school)
    record_types = list(RecordType.objects.filter(code__in=types, owner_unit=None, adapts=None))
    maker = _Items(rng, year, now, extended)
    rows = 0
    for index, school in enumerate(school_units):
        staff = users[index * staff_per_school : (index + 1) * staff_per_school]
        for record_type in record_types:
            maker.add(record_type, school, groups[school.pk], staff)
        if len(maker.batch) >= 20000:
            rows += _flush(maker.batch)
    rows += _flush(maker.batch)
    _analyze()
    return {
        "so": so,
        "phongs": phongs,
        "phong": phongs[0],
        "school": school_units[0],
        "schools": school_units,
        "groups": groups,
        "users": users,
        "year": year,
        "due_items": rows,
        "seconds": time.perf_counter() - started,
    }


class _Items:
    def __init__(self, rng: random.Random, year: Any, now: dt.datetime | None, extended: float):
        self.rng, self.year, self.now, self.extended = rng, year, now, extended
        self.batch: list[Any] = []
        self.slots: dict[int, list[Any]] = {}

    def add(self, record_type: Any, school: Any, groups: list[Any], staff: list[int]) -> None:
        from hoso.records.models import Keeper
        from hoso.records.periods import slots_for

        if record_type.pk not in self.slots:
            self.slots[record_type.pk] = slots_for(
                record_type.period, record_type.due_rule, self.year
            )
        if record_type.keeper == Keeper.TEACHER:
            owed = [(groups[i % len(groups)], user_id) for i, user_id in enumerate(staff)]
        elif record_type.keeper == Keeper.GROUP:
            owed = [(group, staff[i]) for i, group in enumerate(groups)]
        else:
            owed = [(school, staff[0])]
        for unit, owner_id in owed:
            for slot in self.slots[record_type.pk]:
                self.batch.append(self._item(record_type, school, unit, owner_id, slot))

    def _item(self, record_type: Any, school: Any, unit: Any, owner_id: int, slot: Any) -> Any:
        from hoso.records.models import DueItem

        rng = self.rng
        effective = slot.due_at
        if self.extended and rng.random() < self.extended:
            effective = slot.due_at + dt.timedelta(days=3)
        submitted = None
        roll = rng.random()
        if self.now is None or effective < self.now:
            if roll < 0.80:
                submitted = effective - dt.timedelta(hours=rng.randint(1, 72))
            elif roll < 0.88:
                submitted = effective + dt.timedelta(hours=rng.randint(1, 72))
            if submitted is not None and self.now is not None:
                submitted = min(submitted, self.now)
        elif roll < 0.05 and effective - dt.timedelta(days=2) < self.now:
            submitted = self.now - dt.timedelta(hours=rng.randint(1, 24))
        return DueItem(
            record_type=record_type,
            school_year=self.year,
            school=school,
            unit=unit,
            owner_id=owner_id,
            period_key=slot.key,
            period_label=slot.label,
            due_at=slot.due_at,
            effective_due_at=effective,
            submitted_at=submitted,
        )


def _flush(batch: list[Any]) -> int:
    from hoso.records.models import DueItem

    DueItem.objects.bulk_create(batch, batch_size=5000)
    count = len(batch)
    batch.clear()
    return count


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _bulk_units(parent: Any, specs: list[tuple[str, str, str]]) -> list[Any]:
    from hoso.org.models import Unit

    Unit.objects.bulk_create([Unit(code=c, name=n, kind=k, parent=parent) for c, n, k in specs])
    units = list(Unit.objects.filter(parent=parent).order_by("pk"))
    for unit in units:
        unit.path = f"{parent.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"], batch_size=2000)
    return units


def _bulk_schools(specs: list[tuple[Any, str, str]]) -> list[Any]:
    from hoso.org.models import Unit, UnitKind

    Unit.objects.bulk_create(
        [Unit(code=c, name=n, kind=UnitKind.TRUONG, parent=p, level="TH") for p, c, n in specs],
        batch_size=2000,
    )
    schools = list(Unit.objects.filter(kind=UnitKind.TRUONG, code__startswith="BENCH-S"))
    parents = {p.pk: p for p, _, _ in specs}
    for school in schools:
        school.path = f"{parents[school.parent_id].path}{school.pk}/"
        school.school = school
    Unit.objects.bulk_update(schools, ["path", "school"], batch_size=2000)
    return sorted(schools, key=lambda s: int(s.code.removeprefix("BENCH-S")))


def _bulk_groups(schools: list[Any]) -> dict[int, list[Any]]:
    from hoso.org.models import Unit, UnitKind

    Unit.objects.bulk_create(
        [
            Unit(code=f"{s.code}-T{i}", name=f"Tổ {i}", kind=UnitKind.TO, parent=s, school=s)
            for s in schools
            for i in range(3)
        ],
        batch_size=5000,
    )
    groups = list(Unit.objects.filter(kind=UnitKind.TO, code__startswith="BENCH-S"))
    by_school: dict[int, list[Any]] = {}
    paths = {s.pk: s.path for s in schools}
    for group in groups:
        group.path = f"{paths[group.parent_id]}{group.pk}/"
        by_school.setdefault(group.parent_id, []).append(group)
    Unit.objects.bulk_update(groups, ["path"], batch_size=5000)
    return by_school


def _bulk_users(model: Any, count: int) -> list[int]:
    model.objects.bulk_create(
        [
            model(username=f"bprov{i}", first_name=f"Giáo viên {i}", password="!")
            for i in range(count)
        ],
        batch_size=5000,
    )
    return list(
        model.objects.filter(username__startswith="bprov")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
