"""The per-school figures the operations dashboard shows besides due records, counted for
many schools at once (grouped queries) and kept in the records summary rows
(`hoso.records.summary.use_school_figures`, registered from OfficesConfig.ready()):

- gradebook entry: cells entered against those required by now (hoso.offices.progress rules;
  each class and subject counts at most what it requires), "gb_entered" / "gb_required";
- học bạ: pupils with an issued học bạ of the year / pupils enrolled, "hb_issued" / "pupils";
- library (only where copies are catalogued): copies not weeded, loans issued in the school
  year, loans overdue today: "lib_copies", "lib_loans", "lib_overdue".

Each school's figures come with the moment the clock alone changes them: the next gradebook
checkpoint (more cells required), the day after the earliest due date of an open loan (it
becomes overdue). Writes announce themselves with `school_figures_touch`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone

from hoso.offices.progress import next_checkpoint, schools_progress
from hoso.org.models import Enrolment, SchoolLevel, SchoolYear, Unit, UnitKind
from hoso.records.summary import year_window

FIGURE_KEYS = (
    "gb_entered",
    "gb_required",
    "hb_issued",
    "pupils",
    "lib_copies",
    "lib_loans",
    "lib_overdue",
)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def school_figures(
    school_ids: list[int], year: SchoolYear, now: dt.datetime
) -> dict[int, tuple[dict[str, int], dt.datetime | None]]:
    today = timezone.localdate(now)
    figures: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIGURE_KEYS, 0) for pk in school_ids}
    until: dict[int, dt.datetime | None] = dict.fromkeys(school_ids)
    _gradebook(school_ids, year, today, figures, until)
    _hocba(school_ids, year, figures)
    _library(school_ids, year, today, figures, until)
    return {pk: (figures[pk], until[pk]) for pk in school_ids}


def _gradebook(
    school_ids: list[int],
    year: SchoolYear,
    today: dt.date,
    figures: dict[int, dict[str, int]],
    until: dict[int, dt.datetime | None],
) -> None:
    schools = list(Unit.objects.filter(pk__in=school_ids))
    for school_id, rows in schools_progress(schools, year, today).items():
        found = figures[school_id]
        for row in rows:
            found["gb_entered"] += min(row.entered, row.required_now)
            found["gb_required"] += row.required_now
    checkpoint = next_checkpoint(year, today)
    if checkpoint is None:
        return
    with_classes = Unit.objects.filter(
        kind=UnitKind.LOP, school_year=year, school_id__in=school_ids
    ).exclude(school__level=SchoolLevel.MN)
    for school_id in set(with_classes.values_list("school_id", flat=True)):
        until[school_id or 0] = _midnight(checkpoint)


def _hocba(school_ids: list[int], year: SchoolYear, figures: dict[int, dict[str, int]]) -> None:
    from hoso.grading.models import HocBaStatus, HocBaVersion

    pupils = (
        Enrolment.objects.filter(school_year=year, school_class__school_id__in=school_ids)
        .values_list("school_class__school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for school_id, n in pupils:
        figures[school_id]["pupils"] = n
    issued = (
        HocBaVersion.objects.filter(
            school_year=year,
            status=HocBaStatus.ISSUED,
            school_class__school_id__in=school_ids,
        )
        .values_list("school_class__school_id")
        .annotate(n=Count("student", distinct=True))
        .order_by()
    )
    for school_id, n in issued:
        figures[school_id]["hb_issued"] = n


def _library(
    school_ids: list[int],
    year: SchoolYear,
    today: dt.date,
    figures: dict[int, dict[str, int]],
    until: dict[int, dt.datetime | None],
) -> None:
    from hoso.library.models import Copy, CopyStatus, Loan

    copies = (
        Copy.objects.filter(school_id__in=school_ids)
        .exclude(status=CopyStatus.WEEDED)
        .values_list("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for school_id, n in copies:
        figures[school_id]["lib_copies"] = n
    start, end = year_window(year)
    loans = (
        Loan.objects.filter(school_id__in=school_ids)
        .values_list("school_id")
        .annotate(
            n=Count("id", filter=Q(issued_at__gte=start, issued_at__lt=end)),
            late=Count("id", filter=Q(returned_at__isnull=True, due_on__lt=today)),
            next_due=Min("due_on", filter=Q(returned_at__isnull=True, due_on__gte=today)),
        )
        .order_by()
    )
    for school_id, n, late, next_due in loans:
        figures[school_id]["lib_loans"] = n
        figures[school_id]["lib_overdue"] = late
        if next_due is not None:  # overdue from the day after its due date
            turns = _midnight(next_due + dt.timedelta(days=1))
            known = until[school_id]
            until[school_id] = turns if known is None or turns < known else known


def school_library_figures(school: Unit, year: SchoolYear) -> dict[str, int]:
    """One school's library figures (an inspection's "Thư viện" item): copies, loans of the
    year, loans overdue today; all zero where the school catalogues no copies."""
    figures = {school.pk: dict.fromkeys(FIGURE_KEYS, 0)}
    until: dict[int, dt.datetime | None] = {school.pk: None}
    _library([school.pk], year, timezone.localdate(), figures, until)
    return {key: figures[school.pk][key] for key in ("lib_copies", "lib_loans", "lib_overdue")}
