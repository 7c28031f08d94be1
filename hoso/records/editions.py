"""Which edition of a record type is in force at a school on a day.

A Sở (or a Phòng it allows) adapts a type for the schools below it by adding a row that
`adapts` the type it stands in for, from `effective_from`; a later change is another row
adapting that one. Rows are never rewritten, so a record keeps the row it was made with and an
issued record never changes. At a school, starting from each root type (one that adapts
nothing), the walk follows the adaptations that apply there and have started: the one by the
office nearest the school wins, then the latest date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from hoso.org.models import Unit
from hoso.records.models import RecordType


def started(record_type: RecordType, day: dt.date) -> bool:
    """The row applies on `day`: it has started and is not retired by then."""
    if record_type.retired_from is not None and record_type.retired_from <= day:
        return False
    return record_type.effective_from is None or record_type.effective_from <= day


def in_force(
    types: Iterable[RecordType],
    school: Unit,
    day: dt.date,
    applies: Callable[[RecordType, Unit], bool],
) -> list[RecordType]:
    """The rows of `types` in force at `school` on `day`: one per line of editions. `types`
    must hold every active row (the walk needs the roots); `applies` says whether a row
    applies at the school at all (owner above it, level)."""
    depth = {unit_id: index for index, unit_id in enumerate(school.ancestor_ids())}
    rows = [t for t in types if started(t, day) and applies(t, school)]
    following: dict[int | None, list[RecordType]] = defaultdict(list)
    for row in rows:
        following[row.adapts_id].append(row)
    found = []
    for root in following[None]:
        current, seen = root, {root.pk}
        while following.get(current.pk):
            current = max(
                following[current.pk],
                key=lambda t: (
                    depth.get(t.owner_unit_id or 0, -1),
                    t.effective_from or dt.date.min,
                    t.pk,
                ),
            )
            if current.pk in seen:  # a loop cannot be made by the services; never spin
                break
            seen.add(current.pk)
        found.append(current)
    return found


def line_ids(types: Iterable[RecordType]) -> set[int]:
    """Ids of the rows that belong to a line an office touched (the adapted types and the
    offices' own rows): only their due items may move from one edition to another."""
    ids: set[int] = set()
    for row in types:
        if row.adapts_id is not None:
            ids.add(row.adapts_id)
        if row.owner_unit_id is not None and (row.adapts_id or row.effective_from):
            ids.add(row.pk)
    return ids
