"""A province for the benchmarks that need one, written with bulk inserts (never the services:
a million rows through them would take hours): Sở → Phòng (40 schools each) → schools (level
TH) → 3 groups each; staff as users; due items of the school year for them.

    setup(database_url, data_dir); migrate()
    province = build_province(1000, 30)                        # bench_records: weekly KHBD only
    province = build_province(1000, 30, year=year, types=MIXED_TYPES, now=now)
    province = build_province(1000, 30, year=year, parent=demo_so)  # under an existing Sở
    add_due_items(province, last_year, types=("TT28.KHBD",))   # another school year's items
    add_records(province, year, sha256=…, size=…)              # a record per submitted item

Shared by bench_records.py, bench_dashboard.py and bench_load_scaled.py."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
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
    parent: Any = None,
) -> dict[str, Any]:
    """The units, the staff and their due items. An item due before `now` (every item when
    `now` is None) is ~80 % on time, ~8 % late, the rest missing; one due later is open, except
    ~5 % sent early. `extended`: the share of items whose deadline a principal extended by 3
    days (`effective_due_at` moves). `parent`: an existing Sở to build the Phòng under (a
    demo province's), else a Sở of its own (BENCH-SO)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from hoso.org.models import Unit, UnitKind

    rng = random.Random(seed)
    started = time.perf_counter()
    year = year or bench_year()
    with transaction.atomic():
        if parent is None:
            so = Unit.objects.create(code="BENCH-SO", name="Sở GDĐT Bench", kind=UnitKind.SO)
            Unit.objects.filter(pk=so.pk).update(path=f"/{so.pk}/")
            so.path = f"/{so.pk}/"
        else:
            so = parent
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
    province = {
        "so": so,
        "phongs": phongs,
        "phong": phongs[0],
        "school": school_units[0],
        "schools": school_units,
        "groups": groups,
        "users": users,
        "year": year,
    }
    province["due_items"] = add_due_items(
        province, year, types=types, now=now, extended=extended, rng=rng
    )
    _analyze()
    province["seconds"] = time.perf_counter() - started
    return province


def add_due_items(
    province: dict[str, Any],
    year: Any,
    *,
    types: tuple[str, ...] = ("TT28.KHBD",),
    now: dt.datetime | None = None,
    extended: float = 0.0,
    rng: random.Random | None = None,
) -> int:
    """The due items of `year` for the province's schools and staff (as build_province makes
    them for its own year: another school year, or more types). Returns how many."""
    from hoso.records.models import RecordType

    record_types = list(RecordType.objects.filter(code__in=types, owner_unit=None, adapts=None))
    maker = _Items(rng or random.Random(7), year, now, extended)
    users, groups = province["users"], province["groups"]
    staff_per_school = len(users) // len(province["schools"])
    rows = 0
    for index, school in enumerate(province["schools"]):
        staff = users[index * staff_per_school : (index + 1) * staff_per_school]
        for record_type in record_types:
            maker.add(record_type, school, groups[school.pk], staff)
        if len(maker.batch) >= 20000:
            rows += _flush(maker.batch)
    rows += _flush(maker.batch)
    return rows


def add_records(
    province: dict[str, Any],
    year: Any,
    *,
    sha256: str,
    size: int,
    per_school: int | None = None,
) -> int:
    """A record with one version for every submitted due item of the province's schools in
    `year` (`per_school`: for the latest submitted items of each school only), written by
    INSERT … SELECT: the type's name and the period as its title, issued when it was
    submitted (so a chuyên viên's search finds it), its file the stored blob `sha256` (one file
    shared by all: nothing reads them in the benchmarks), the due item pointing at it, and the
    history an issued record has (add_record_history). No audit entry. Returns the number of
    records made."""
    from django.db import connection, transaction

    from hoso.records.models import DueItem, Record, RecordType, RecordVersion

    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    schools = [school.pk for school in province["schools"]]
    due, kind = DueItem._meta.db_table, RecordType._meta.db_table
    records = Record._meta.db_table
    marks = ", ".join(["%s"] * len(schools))
    chosen = (
        f"SELECT id FROM {due} WHERE school_year_id = %s AND submitted_at IS NOT NULL"
        f" AND record_id IS NULL AND school_id IN ({marks})"
    )
    if per_school is not None:
        chosen = (
            f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY school_id ORDER BY"
            f" submitted_at DESC, id DESC) AS n FROM {due} WHERE id IN ({chosen})) latest"
            f" WHERE n <= {int(per_school)}"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {records}")  # noqa: S608
        last_id = cursor.fetchone()[0]
        made = _insert_select(
            cursor,
            Record,
            {
                "record_type_id": "d.record_type_id",
                "unit_id": "d.unit_id",
                "school_id": "d.school_id",
                "school_year_id": "d.school_year_id",
                "owner_id": "d.owner_id",
                "title": "t.name || ' — ' || d.period_label",
                "period_key": "d.period_key",
                "state": "'issued'",
                "version_count": "1",
                "first_submitted_at": "d.submitted_at",
                "created_at": "d.submitted_at",
                "updated_at": "d.submitted_at",
            },
            f"FROM {due} d JOIN {kind} t ON t.id = d.record_type_id WHERE d.id IN ({chosen})"
            " ORDER BY d.submitted_at, d.id",
            [year.pk, *schools],
        )
        _insert_select(
            cursor,
            RecordVersion,
            {
                "record_id": "r.id",
                "number": "1",
                "original_sha256": f"'{sha256}'",
                "size": str(int(size)),
                "filename": "'ke-hoach.pdf'",
                "kind": "'pdf'",
                "page_count": "1",
                "uploaded_by_id": "r.owner_id",
                "uploaded_at": "r.first_submitted_at",
                "pdf_sha256": f"'{sha256}'",
                "rendition_status": "'done'",
                "issued_at": "r.first_submitted_at",
            },
            f"FROM {records} r WHERE r.id > %s",
            [last_id],
        )
        cursor.execute(
            f"UPDATE {due} SET record_id = r.id FROM {records} r"  # noqa: S608
            f" WHERE r.id > %s AND r.record_type_id = {due}.record_type_id"
            f" AND r.school_year_id = {due}.school_year_id AND r.unit_id = {due}.unit_id"
            f" AND r.owner_id = {due}.owner_id AND r.period_key = {due}.period_key",
            [last_id],
        )
        add_record_history(cursor, after_id=last_id)
    return made


def add_record_history(cursor: Any, *, after_id: int = 0) -> int:
    """For every issued record above `after_id` without one: the closed workflow that issued it and
    its "issued" event, as a record that went through its chain has. Without them the
    workflow and event tables would hold only the demo's hundred rows on the lowest record ids,
    and PostgreSQL's plans for the queues ("Chờ ký", "Chờ duyệt") and a record's history would
    be made for a table no province has (a merge join walking the whole records index)."""
    from hoso.records.models import Record, RecordEvent, RecordVersion, Workflow

    records = Record._meta.db_table
    versions = RecordVersion._meta.db_table
    source = (
        f"FROM {records} r JOIN {versions} v ON v.record_id = r.id AND v.number = 1"
        " WHERE r.id > %s AND r.state = 'issued' AND r.first_submitted_at IS NOT NULL"
        " AND NOT EXISTS"
        f" (SELECT 1 FROM {Workflow._meta.db_table} w WHERE w.record_id = r.id)"
        " ORDER BY r.id"
    )
    made = _insert_select(
        cursor,
        Workflow,
        {
            "record_id": "r.id",
            "version_id": "v.id",
            "state": "'issued'",
            "is_open": "false",
            "opened_by_id": "r.owner_id",
            "opened_at": "r.first_submitted_at",
            "closed_at": "r.first_submitted_at",
        },
        source,
        [after_id],
    )
    events = RecordEvent._meta.db_table
    _insert_select(
        cursor,
        RecordEvent,
        {
            "record_id": "r.id",
            "version_id": "v.id",
            "kind": "'issued'",
            "actor_id": "r.owner_id",
            "at": "r.first_submitted_at",
        },
        source.replace(
            f"(SELECT 1 FROM {Workflow._meta.db_table} w WHERE w.record_id = r.id)",
            f"(SELECT 1 FROM {events} e WHERE e.record_id = r.id)",
        ),
        [after_id],
    )
    return made


def _insert_select(
    cursor: Any, model: Any, values: dict[str, str], source: str, params: list[Any]
) -> int:
    """INSERT INTO model's table SELECT …: `values` gives the SQL of some columns, every other
    column gets its field's default (so a column added later with a default needs nothing
    here; one without a default stops this with its name)."""
    from django.db import connection

    columns, selected, args = [], [], []
    for column in model._meta.concrete_fields:
        if column.primary_key:
            continue
        columns.append(connection.ops.quote_name(column.column))
        if column.column in values:
            selected.append(values[column.column])
        elif column.has_default() or column.null:
            selected.append("%s")
            args.append(column.get_db_prep_save(column.get_default(), connection))
        else:
            raise ValueError(f"no value for {model.__name__}.{column.column}")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} {source}",
        [*args, *params],
    )
    return int(cursor.rowcount)


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
    codes = [code for code, _, _ in specs]  # not the Phòng a demo Sở already has
    units = list(Unit.objects.filter(parent=parent, code__in=codes).order_by("pk"))
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
