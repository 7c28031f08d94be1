"""Reads of criteria sets and school sheets, scoped by the policy: the lists, one object or
404, a school's breakdown, and the ranking of a set over the sheets the person may see (ranks
are over every school of the set, and within each Phòng)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hoso.offices.models import (
    Answer,
    CriteriaSet,
    Criterion,
    MeasureKind,
    SchoolSheet,
    SetState,
    SheetState,
)
from hoso.offices.transformation.measures import Figure, figures_for
from hoso.offices.transformation.scoring import Breakdown, breakdown, ranks, stored_figures
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404, visible


def sets_visible_to(user: Any) -> QuerySet[CriteriaSet]:
    sets = CriteriaSet.objects.select_related("office", "school_year")
    return visible(user, "offices.dx.set.view", sets)


def set_list(user: Any) -> QuerySet[CriteriaSet]:
    return sets_visible_to(user).annotate(
        schools=Count("sheets", distinct=True),
        submitted=Count("sheets", filter=Q(sheets__state=SheetState.SUBMITTED), distinct=True),
    )


def set_for(user: Any, pk: Any) -> CriteriaSet:
    found: CriteriaSet = get_or_404(user, "offices.dx.set.view", sets_visible_to(user), pk=pk)
    return found


def sheets_visible_to(user: Any) -> QuerySet[SchoolSheet]:
    sheets = SchoolSheet.objects.select_related(
        "criteria_set", "criteria_set__office", "criteria_set__school_year", "school"
    )
    return visible(user, "offices.dx.sheet.view", sheets)


def sheet_for(user: Any, pk: Any) -> SchoolSheet:
    found: SchoolSheet = get_or_404(user, "offices.dx.sheet.view", sheets_visible_to(user), pk=pk)
    return found


def sheets_to_fill(user: Any) -> QuerySet[SchoolSheet]:
    """The person's schools' sheets of open sets not submitted yet (the school's task)."""
    from hoso.offices.transformation.policies import FILLERS
    from hoso.policy.grants import grants_for

    schools = grants_for(user).schools(FILLERS)
    return (
        sheets_visible_to(user)
        .filter(school_id__in=schools, criteria_set__state=SetState.OPEN)
        .exclude(state=SheetState.SUBMITTED)
        .order_by("criteria_set__closes_on", "pk")
    )


def criteria_of(cset: CriteriaSet) -> list[Criterion]:
    return list(cset.criteria.order_by("order", "id"))


def answers_of(sheet: SchoolSheet) -> dict[int, Answer]:
    rows = Answer.objects.filter(sheet=sheet).select_related("evidence_record")
    return {answer.criterion_id: answer for answer in rows}


def kept_figures(sheet: SchoolSheet) -> dict[str, Figure] | None:
    """The figures the last refresh kept on an open set's sheet, or None (never refreshed)."""
    cset = sheet.criteria_set
    if cset.state != SetState.OPEN or cset.figures_at is None or not sheet.figures:
        return None
    return stored_figures(sheet.figures)


def sheet_breakdown(sheet: SchoolSheet, at: dt.datetime | None = None) -> Breakdown:
    """One school's breakdown: the kept figures of an open set (so that it matches the
    ranking), else computed now; the entered values are always the sheet's own rows."""
    cset = sheet.criteria_set
    when = at or timezone.now()
    kept = kept_figures(sheet)
    result = breakdown(sheet, criteria_of(cset), answers_of(sheet), when, kept)
    result.computed_at = None if result.from_snapshot else (cset.figures_at if kept else when)
    return result


@dataclass
class RankRow:
    sheet: SchoolSheet
    phong: Unit | None
    total: Decimal
    rank: int  # among every school of the set
    rank_in_phong: int | None
    lines: list[Any]


@dataclass
class PhongRow:
    phong: Unit
    schools: int
    average: Decimal


@dataclass
class Ranking:
    cset: CriteriaSet
    criteria: list[Criterion]
    rows: list[RankRow]  # the sheets the person may see, best first
    phongs: list[PhongRow]  # drill-down summary of a Sở's set
    unit: Unit | None  # the Phòng drilled into
    schools: int  # schools ranked (all of the set)
    computed_at: dt.datetime | None = None  # when the automatic figures were computed (open)


def _phong_of(school: Unit, phongs: dict[int, Unit]) -> Unit | None:
    return phongs.get(school.parent_id) if school.parent_id else None


def bulk_figures(
    cset: CriteriaSet, criteria: list[Criterion], sheets: list[SchoolSheet], at: dt.datetime
) -> dict[int, dict[str, Figure]]:
    """Every school's automatic figures computed now, one grouped query per measure; by
    school id."""
    codes = [c.measure for c in criteria if c.kind == MeasureKind.AUTO]
    return figures_for(codes, [s.school for s in sheets], cset.school_year, at)


def all_breakdowns(cset: CriteriaSet, at: dt.datetime | None = None) -> list[Breakdown]:
    """Every sheet of the set with its figures: the snapshot once closed; while open, the
    figures the last refresh kept (or, never refreshed or `at` given, computed in bulk at
    `at`). Not scoped: the callers rank over the whole set and show only the rows the person
    may see."""
    criteria = criteria_of(cset)
    sheets = list(cset.sheets.select_related("school"))
    for sheet in sheets:  # one set object for a thousand sheets, not one each
        sheet.criteria_set = cset
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(sheet__criteria_set=cset):  # no evidence shown here
        answers[answer.sheet_id][answer.criterion_id] = answer
    when = at or timezone.now()
    computed_at: dt.datetime | None = None
    figures: dict[int, dict[str, Figure]] = {}
    if cset.state == SetState.CLOSED and at is None:
        pass  # the snapshot
    elif at is None and cset.figures_at is not None:
        figures = {s.school_id: stored_figures(s.figures) for s in sheets if s.figures}
        computed_at = cset.figures_at
    else:
        figures, computed_at = bulk_figures(cset, criteria, sheets, when), when
    results = [
        breakdown(s, criteria, answers[s.pk], when, figures.get(s.school_id)) for s in sheets
    ]
    for result in results:
        result.computed_at = None if result.from_snapshot else computed_at
    return results


def ranking(user: Any, cset: CriteriaSet, unit: Unit | None = None) -> Ranking:
    results = all_breakdowns(cset)
    phongs = Unit.objects.in_bulk(
        {r.sheet.school.parent_id for r in results if r.sheet.school.parent_id}
    )
    phongs = {pk: u for pk, u in phongs.items() if u.kind == UnitKind.PHONG}
    totals = {r.sheet.pk: r.sheet.total if r.from_snapshot else r.total for r in results}
    overall = ranks((pk, total or Decimal(0)) for pk, total in totals.items())
    by_phong: dict[int, list[int]] = defaultdict(list)
    for r in results:
        phong = _phong_of(r.sheet.school, phongs)
        if phong is not None:
            by_phong[phong.pk].append(r.sheet.pk)
    in_phong: dict[int, int] = {}
    for ids in by_phong.values():
        in_phong.update(ranks((pk, totals[pk] or Decimal(0)) for pk in ids))
    allowed = set(
        visible(user, "offices.dx.sheet.view", cset.sheets.all()).values_list("pk", flat=True)
    )
    rows = [
        RankRow(
            r.sheet,
            _phong_of(r.sheet.school, phongs),
            totals[r.sheet.pk] or Decimal(0),
            r.sheet.rank if r.from_snapshot and r.sheet.rank else overall[r.sheet.pk],
            in_phong.get(r.sheet.pk),
            r.lines,
        )
        for r in results
        if r.sheet.pk in allowed and (unit is None or r.sheet.school.path.startswith(unit.path))
    ]
    rows.sort(key=lambda row: (row.rank, row.sheet.school.name))
    summary = [
        PhongRow(
            phong,
            len(ids),
            (sum((totals[pk] or Decimal(0) for pk in ids), Decimal(0)) / len(ids)).quantize(
                Decimal("0.01")
            ),
        )
        for phong_id, ids in sorted(by_phong.items(), key=lambda item: phongs[item[0]].name)
        if (phong := phongs[phong_id]) and all(pk in allowed for pk in ids)
    ]
    computed = next((r.computed_at for r in results if r.computed_at), None)
    return Ranking(cset, criteria_of(cset), rows, summary, unit, len(results), computed)


def phong_choice(user: Any, cset: CriteriaSet, raw: str | None) -> Unit | None:
    """The Phòng asked with ?unit= when it lies under the set's office; else None."""
    text = str(raw or "")
    if not text.isdigit() or len(text) > 18:
        return None
    found = Unit.objects.filter(
        pk=int(text), kind=UnitKind.PHONG, path__startswith=cset.office.path
    ).first()
    return found


def school_records(user: Any, school: Unit) -> QuerySet[Any]:
    """The school's records the person may read (chosen as evidence), newest first."""
    from hoso.records.models import Record
    from hoso.records.selectors import records_visible_to

    records: QuerySet[Record] = records_visible_to(user).filter(school=school, version_count__gt=0)
    return records.order_by("-updated_at")
