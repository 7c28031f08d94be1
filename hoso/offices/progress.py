"""Gradebook entry progress of a school: per class and subject, how many cells are entered
against how many the rules require by now (the inspector's and the principal's view).

Cells required: one per enrolled pupil for every column of the subject (hoso.grading.sheets)
whose assessment point has passed; comment columns are not counted. Assessment points:
mid-term = halfway through the term, end of term I = `term1_end`, end of year = `end_date`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from hoso.org.models import Enrolment, SchoolLevel, SchoolYear, Unit, UnitKind

COUNTED_KINDS = frozenset({"level", "score_int", "score", "rating"})


@dataclass(frozen=True)
class ProgressRow:
    school_class: Unit
    subject: str
    entered: int
    required_now: int
    required_year: int

    @property
    def percent(self) -> int:
        """Entered against what is required by now (100 when nothing is required yet)."""
        if not self.required_now:
            return 100
        return min(100, round(100 * self.entered / self.required_now))


def checkpoint_dates(year: SchoolYear) -> dict[str, dt.date]:
    half1 = year.start_date + (year.term1_end - year.start_date) / 2
    half2 = year.term1_end + (year.end_date - year.term1_end) / 2
    return {
        "giua_hk1": half1,
        "cuoi_hk1": year.term1_end,
        "hk1": year.term1_end,
        "giua_hk2": half2,
        "cuoi_nam": year.end_date,
        "hk2": year.end_date,
    }


def school_progress(
    school: Unit, year: SchoolYear, today: dt.date | None = None
) -> list[ProgressRow]:
    return schools_progress([school], year, today).get(school.pk, [])


def schools_progress(
    schools: Sequence[Unit], year: SchoolYear, today: dt.date | None = None
) -> dict[int, list[ProgressRow]]:
    """`school_progress` of many schools at once: four queries whatever their number (classes,
    pupils per class, entries per cell, the schools' subjects), by school id."""
    from hoso.grading.catalogue import class_subjects
    from hoso.grading.models import Entry, SchoolSubject
    from hoso.grading.sheets import subject_columns

    ids = [s.pk for s in schools if s.level != SchoolLevel.MN]  # no gradebook in kindergarten
    found: dict[int, list[ProgressRow]] = {s.pk: [] for s in schools}
    if not ids:
        return found
    today = today or timezone.localdate()
    due = checkpoint_dates(year)
    in_scope = {"school_id__in": ids, "kind": UnitKind.LOP, "school_year": year}
    classes = list(Unit.objects.filter(**in_scope).order_by("school_id", "grade", "name"))
    of_classes = {f"school_class__{k}": v for k, v in in_scope.items()}
    pupils = Counter(
        dict(
            Enrolment.objects.filter(school_year=year, **of_classes)
            .values_list("school_class")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    entered = {
        (c, area, slot): n
        for c, area, slot, n in Entry.objects.filter(school_year=year, **of_classes)
        .values_list("school_class", "area", "slot")
        .annotate(n=Count("id"))
        .order_by()
    }
    subjects: dict[tuple[int, int], list[Any]] = {}
    for row in SchoolSubject.objects.filter(school_id__in=ids):
        subjects.setdefault((row.school_id, row.grade), []).append(row)
    for school_class in classes:
        key = (school_class.school_id or 0, school_class.grade or 0)
        if key in subjects:
            taught = sorted((s for s in subjects[key] if s.enabled), key=lambda s: s.order)
        else:  # a grade never opened in the gradebook: seeded with the defaults, as one school
            taught = class_subjects(school_class)
        size = pupils.get(school_class.pk, 0)
        for subject in taught:
            columns = [c for c in subject_columns(subject) if c.kind in COUNTED_KINDS]
            now = [c for c in columns if due.get(c.checkpoint, year.end_date) <= today]
            found[key[0]].append(
                ProgressRow(
                    school_class=school_class,
                    subject=subject.name,
                    entered=sum(entered.get((school_class.pk, c.area, c.slot), 0) for c in now),
                    required_now=size * len(now),
                    required_year=size * len(columns),
                )
            )
    return found


def next_checkpoint(year: SchoolYear, today: dt.date) -> dt.date | None:
    """The next day on which more cells become required (None: none left this year)."""
    later = [day for day in checkpoint_dates(year).values() if day > today]
    return min(later) if later else None
