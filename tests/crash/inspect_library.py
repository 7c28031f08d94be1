"""Run inside a crash-test installation (python -m tests.crash.inspect_library NAME ...): prints
JSON. The library side of tests/crash/test_library_crash.py."""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.crash.inspect import audit

IMPORTED = "library.excel.imported"


def school(username: str) -> int:
    """The id of the one school whose library `username` runs."""
    from django.contrib.auth import get_user_model

    from hoso.library.selectors import managed_schools

    user = get_user_model().objects.get(username=username)
    ids = list(managed_schools(user).values_list("pk", flat=True))
    assert len(ids) == 1, ids
    return int(ids[0])


def catalogue(school_id: str, prefix: str) -> dict[str, Any]:
    """The school's titles and copies, with those of the crash test's files counted by file:
    every copy barcode and every title of a crash file starts with `prefix` + the file's tag
    (`<prefix><tag>-...`). `mixed` lists what breaks a file's shape: a copy whose title belongs
    to another file (or to none), a crash title with other than two copies."""
    from django.db.models import Count, Max

    from hoso.audit.models import AuditEntry
    from hoso.library.models import BibRecord, Copy, LibrarySettings

    sid = int(school_id)
    records = BibRecord.objects.filter(school_id=sid)
    copies = Copy.objects.filter(school_id=sid)
    by_file: dict[str, dict[str, int]] = {}
    for title, copy_count in (
        records.filter(title__startswith=prefix)
        .annotate(n=Count("copies"))
        .values_list("title", "n")
        .iterator(chunk_size=5000)
    ):
        entry = by_file.setdefault(_tag(title, prefix), {"records": 0, "copies": 0, "odd": 0})
        entry["records"] += 1
        entry["odd"] += copy_count != 2
    mixed: list[str] = []
    for barcode, title in (
        copies.filter(barcode__startswith=prefix)
        .values_list("barcode", "record__title")
        .iterator(chunk_size=5000)
    ):
        tag = _tag(barcode, prefix)
        by_file.setdefault(tag, {"records": 0, "copies": 0, "odd": 0})["copies"] += 1
        if not title.startswith(prefix) or _tag(title, prefix) != tag:
            mixed.append(barcode)
    mixed += [
        f"{tag}: {e['odd']} titles without 2 copies" for tag, e in by_file.items() if e["odd"]
    ]
    settings = LibrarySettings.objects.get(school_id=sid)
    top = copies.aggregate(top=Max("reg_number"))["top"] or 0
    return {
        "records": records.count(),
        "copies": copies.count(),
        "by_file": by_file,
        "mixed": mixed[:20],
        "next_reg_number": settings.next_reg_number,
        "max_reg_number": top,
        "imports_audited": AuditEntry.objects.filter(action=IMPORTED, unit_id=sid).count(),
        "title_id_sequence": _title_id_sequence(),
    }


def _title_id_sequence() -> int | None:
    """PostgreSQL: the last title id handed out. A sequence does not roll back, so it tells
    that an import got as far as writing its titles, even when its transaction was undone.
    None on SQLite (its AUTOINCREMENT counter rolls back with the rest)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('library_bibrecord', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 — a name from PostgreSQL
        return int(cursor.fetchone()[0])


def indexed(school_id: str, prefix: str, *tags: str) -> dict[str, int]:
    """How many titles of each crash file the union-catalogue search index finds (every title
    of file `tag` carries the word `<prefix><tag>`)."""
    from hoso.library.search_index import union_search
    from hoso.org.models import Unit

    school = Unit.objects.get(pk=int(school_id))
    return {tag: union_search(school, f"{prefix}{tag}".lower(), limit=1)[1] for tag in tags}


def sweep() -> dict[str, int]:
    """The scheduled sweep (library.tasks.index_pending_tick), run once now."""
    from hoso.library.search_index import index_pending_titles

    return {"indexed": index_pending_titles()}


def _tag(text: str, prefix: str) -> str:
    return text[len(prefix) :].split("-", 1)[0]


def main() -> None:
    import django

    django.setup()
    name, args = sys.argv[1], sys.argv[2:]
    commands = {
        "school": school,
        "catalogue": catalogue,
        "indexed": indexed,
        "sweep": sweep,
        "audit": audit,
    }
    result = commands[name](*args)
    print(json.dumps(result))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()
