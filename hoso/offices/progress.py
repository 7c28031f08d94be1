"""Gradebook entry progress of a school: per class and subject, how many cells are entered
against how many the rules require by now (the inspector's and the principal's view).

Cells required: one per enrolled pupil for every column of the subject (hoso.grading.sheets)
whose assessment point has passed; comment columns are not counted. Assessment points:
mid-term = halfway through the term, end of term I = `term1_end`, end of year = `end_date`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
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
    if school.level == SchoolLevel.MN:
        return []  # no gradebook in kindergarten
    classes = list(
        Unit.objects.filter(school=school, kind=UnitKind.LOP, school_year=year).order_by(
            "grade", "name"
        )
    )
    return classes_progress(classes, year, today or timezone.localdate())


def classes_progress(classes: list[Unit], year: SchoolYear, today: dt.date) -> list[ProgressRow]:
    """The progress rows of these classes (of any schools): two grouped queries for all of
    them, the subjects' columns looked up once per school and grade."""
    from hoso.grading.catalogue import class_subjects
    from hoso.grading.models import Entry
    from hoso.grading.sheets import subject_columns

    due = checkpoint_dates(year)
    pupils = Counter(
        dict(
            Enrolment.objects.filter(school_class__in=classes, school_year=year)
            .values_list("school_class")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    entered = {
        (c, area, slot): n
        for c, area, slot, n in Entry.objects.filter(school_class__in=classes, school_year=year)
        .values_list("school_class", "area", "slot")
        .annotate(n=Count("id"))
        .order_by()
    }
    columns_of: dict[tuple[int | None, int | None], list[tuple[str, list[Any]]]] = {}
    rows = []
    for school_class in classes:
        key = (school_class.school_id, school_class.grade)
        if key not in columns_of:
            columns_of[key] = [
                (s.name, [c for c in subject_columns(s) if c.kind in COUNTED_KINDS])
                for s in class_subjects(school_class)
            ]
        size = pupils.get(school_class.pk, 0)
        for name, columns in columns_of[key]:
            now = [c for c in columns if due.get(c.checkpoint, year.end_date) <= today]
            rows.append(
                ProgressRow(
                    school_class=school_class,
                    subject=name,
                    entered=sum(entered.get((school_class.pk, c.area, c.slot), 0) for c in now),
                    required_now=size * len(now),
                    required_year=size * len(columns),
                )
            )
    return rows


def next_checkpoint(year: SchoolYear, today: dt.date) -> dt.date | None:
    """The next day on which more cells become required (None: none left this year)."""
    later = [day for day in checkpoint_dates(year).values() if day > today]
    return min(later) if later else None
