"""Keeping the dashboard's per-school summary of due items (`DueSummary`, read by
`hoso.records.summary.unit_figures`).

Every service that creates, deletes or changes due items calls `due_summary_touch` with the
schools concerned, in its own transaction: it bumps the rows' `changes`, so the reader counts
those schools from the due items until the next refresh. `due_summary_refresh` (a task every
five minutes for stale rows, and all rows each night) recounts: it notes `changes` before
counting and stores the figures only if `changes` is still that value, so a write that lands
while it counts leaves the row stale rather than wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.org.years import current_year
from hoso.records.models import DueSummary
from hoso.records.summary import (
    count_school_figures,
    figures_fresh,
    fresh,
    school_figures,
    year_window,
)

CHUNK = 200


def due_summary_touch(school_ids: Iterable[int] | None) -> None:
    """The due items of these schools (None: of any school) changed: their rows are stale."""
    rows = DueSummary.objects.all()
    if school_ids is not None:
        rows = rows.filter(school_id__in=set(school_ids))
    rows.update(changes=F("changes") + 1)


def school_figures_touch(school_ids: Iterable[int] | None) -> None:
    """The gradebook, học bạ or library figures of these schools (None: of any school)
    changed: the other figures of their rows are stale until the next refresh."""
    rows = DueSummary.objects.all()
    if school_ids is not None:
        rows = rows.filter(school_id__in=set(school_ids))
    rows.update(figures_changes=F("figures_changes") + 1)


def due_summary_refresh(
    *, school_year: SchoolYear | None = None, all_rows: bool = False, now: dt.datetime | None = None
) -> int:
    """Recount the schools whose row for the year's window is missing or stale (every school
    when `all_rows`). Returns how many rows were stored."""
    year = school_year or current_year()
    if year is None:
        return 0
    now = now or timezone.now()
    start, end = year_window(year)
    schools = set(Unit.objects.filter(kind=UnitKind.TRUONG).values_list("pk", flat=True))
    if not all_rows:
        kept = DueSummary.objects.filter(
            fresh(start, end, now), figures_fresh(year, now), school_year=year
        )
        schools -= set(kept.values_list("school_id", flat=True))
    ordered = sorted(schools)
    stored = 0
    for index in range(0, len(ordered), CHUNK):
        stored += _refresh_chunk(year, ordered[index : index + CHUNK], start, end, now)
    return stored


def _refresh_chunk(
    year: SchoolYear, school_ids: list[int], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> int:
    DueSummary.objects.bulk_create(
        [DueSummary(school_year=year, school_id=pk) for pk in school_ids], ignore_conflicts=True
    )
    # `changes` is read before counting: a write committed after this read bumps it, and the
    # guarded update below then leaves the row stale.
    seen: dict[int, tuple[int, int]] = {
        pk: (changes, other)
        for pk, changes, other in DueSummary.objects.filter(
            school_year=year, school_id__in=school_ids
        ).values_list("school_id", "changes", "figures_changes")
    }
    figures = school_figures(school_ids, start, end, now)
    others = count_school_figures(school_ids, year, now)
    stored = 0
    with transaction.atomic():
        for school_id, (other, other_until) in others.items():
            DueSummary.objects.filter(
                Q(figures_changes=seen[school_id][1]), school_year=year, school_id=school_id
            ).update(
                figures=other,
                figures_valid_until=other_until,
                figures_refreshed_changes=seen[school_id][1],
            )
        for school_id, found in figures.items():
            stored += DueSummary.objects.filter(
                Q(changes=seen[school_id][0]), school_year=year, school_id=school_id
            ).update(
                window_start=start,
                window_end=end,
                counts=found.counts,
                weeks_due=found.weeks_due,
                weeks_done=found.weeks_done,
                computed_at=now,
                valid_until=found.valid_until,
                refreshed_changes=seen[school_id][0],
            )
    return stored
