"""The automatic measures: figures HoSo computes for a school over a school year, each a count
done out of a count owed (a ratio 0..1), or "no data" when nothing is owed yet. An office picks
them by code when it writes a criterion; nothing here is entered by hand.

Each measure reads the tables of the app that keeps the figure (records, signing, grading,
library, offices), as of the moment `at` (the request, or the set's closing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Enrolment, SchoolYear, Staff, Unit


@dataclass(frozen=True)
class Figure:
    done: int
    total: int

    @property
    def ratio(self) -> float | None:
        """done / total, or None when nothing is owed yet (no data: scores 0, said so)."""
        return min(1.0, self.done / self.total) if self.total else None


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise | str
    how: Promise | str  # how the figure is computed, shown beside it
    compute: Callable[[Unit, SchoolYear, dt.datetime], Figure]
    # The same figure for many schools at once, a few grouped queries whatever their number
    # (the ranking's stored figures); it must give exactly what `compute` gives per school.
    bulk: Callable[[Sequence[Unit], SchoolYear, dt.datetime], dict[int, Figure]]


def _by_school(schools: Sequence[Unit], rows: Iterable[tuple[Any, Any, Any]]) -> dict[int, Figure]:
    """(school id, done, total) rows of a grouped query → a figure for every school asked;
    a school without rows owes nothing (0/0, as the per-school count gives)."""
    found = {s.pk: Figure(0, 0) for s in schools}
    for school_id, done, total in rows:
        found[school_id] = Figure(done, total)
    return found


def _ids(schools: Sequence[Unit]) -> list[int]:
    return [s.pk for s in schools]


def _year_start(year: SchoolYear) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(year.start_date, dt.time()))


def records_on_time(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Due records (deadlines engine) submitted by their deadline, of those owed by `at`:
    submitted ones and those whose deadline has passed (as the completion view counts)."""
    from hoso.records.models import DueItem

    items = DueItem.objects.filter(school=school, school_year=year)
    owed = items.filter(
        Q(submitted_at__isnull=False, submitted_at__lte=at) | Q(effective_due_at__lt=at)
    )
    on_time = owed.filter(submitted_at__lte=at).filter(submitted_at__lte=F("effective_due_at"))
    return Figure(on_time.count(), owed.count())


def records_on_time_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.records.models import DueItem

    owed = Q(submitted_at__isnull=False, submitted_at__lte=at) | Q(effective_due_at__lt=at)
    on_time = owed & Q(submitted_at__lte=at) & Q(submitted_at__lte=F("effective_due_at"))
    rows = (
        DueItem.objects.filter(school_id__in=_ids(schools), school_year=year)
        .values("school_id")
        .annotate(done=Count("id", filter=on_time), total=Count("id", filter=owed))
        .values_list("school_id", "done", "total")
    )
    return _by_school(schools, rows)


def records_signed(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Issued record versions of the school's records of the year that carry a digital
    signature made in HoSo, of all its issued versions."""
    from hoso.records.models import RecordVersion
    from hoso.signing.models import SignatureRecord

    issued = RecordVersion.objects.filter(
        record__school=school, record__school_year=year, issued_at__isnull=False, issued_at__lte=at
    )
    signed = issued.filter(Exists(SignatureRecord.objects.filter(version=OuterRef("pk"))))
    return Figure(signed.count(), issued.count())


def records_signed_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.records.models import RecordVersion
    from hoso.signing.models import SignatureRecord

    signed = Q(Exists(SignatureRecord.objects.filter(version=OuterRef("pk"))))
    rows = (
        RecordVersion.objects.filter(
            record__school_id__in=_ids(schools),
            record__school_year=year,
            issued_at__isnull=False,
            issued_at__lte=at,
        )
        .values("record__school_id")
        .annotate(done=Count("id", filter=signed), total=Count("id"))
        .values_list("record__school_id", "done", "total")
    )
    return _by_school(schools, rows)


def gradebook_entered(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Gradebook cells entered against those the rules require by `at` (the entry progress
    of hoso/offices/progress.py); no data in kindergarten or before the first assessment."""
    from hoso.offices.progress import school_progress

    rows = school_progress(school, year, today=timezone.localtime(at).date())
    return Figure(
        sum(min(r.entered, r.required_now) for r in rows), sum(r.required_now for r in rows)
    )


def gradebook_entered_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.offices.progress import schools_progress

    found = schools_progress(schools, year, today=timezone.localtime(at).date())
    return {
        school_id: Figure(
            sum(min(r.entered, r.required_now) for r in rows), sum(r.required_now for r in rows)
        )
        for school_id, rows in found.items()
    }


def _pupils(school: Unit, year: SchoolYear) -> set[int]:
    enrolled = Enrolment.objects.filter(school_class__school=school, school_year=year)
    return set(enrolled.values_list("student_id", flat=True))


def hocba_issued(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Pupils of the year with an electronic học bạ issued (signed and sealed) in HoSo."""
    from hoso.grading.models import HocBaVersion

    pupils = _pupils(school, year)
    issued = HocBaVersion.objects.filter(
        school_year=year, student_id__in=pupils, issued_at__isnull=False, issued_at__lte=at
    )
    return Figure(len(set(issued.values_list("student_id", flat=True))), len(pupils))


def _enrolled(schools: Sequence[Unit], year: SchoolYear) -> Any:
    """Enrolments of the year in the schools' classes, with the pupil's school id."""
    return Enrolment.objects.filter(
        school_class__school_id__in=_ids(schools), school_year=year
    ).values("school_class__school_id")


def hocba_issued_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.grading.models import HocBaVersion

    issued = Q(
        Exists(
            HocBaVersion.objects.filter(
                school_year=year,
                student_id=OuterRef("student_id"),
                issued_at__isnull=False,
                issued_at__lte=at,
            )
        )
    )
    rows = (
        _enrolled(schools, year)
        .annotate(
            done=Count("student_id", filter=issued, distinct=True),
            total=Count("student_id", distinct=True),
        )
        .values_list("school_class__school_id", "done", "total")
    )
    return _by_school(schools, rows)


def staff_certificates(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Active staff of the school with an account who hold a personal signing certificate
    valid at `at` (registered in HoSo, not revoked or retired)."""
    from hoso.signing.models import Certificate, CertKind, CertStatus

    staff = Staff.objects.filter(unit__school=school, is_active=True, user__isnull=False)
    valid = Certificate.objects.filter(
        kind=CertKind.PERSONAL,
        owner_id=OuterRef("user_id"),
        status=CertStatus.ACTIVE,
        not_before__lte=at,
        not_after__gt=at,
    )
    return Figure(staff.filter(Exists(valid)).count(), staff.count())


def staff_certificates_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.signing.models import Certificate, CertKind, CertStatus

    valid = Q(
        Exists(
            Certificate.objects.filter(
                kind=CertKind.PERSONAL,
                owner_id=OuterRef("user_id"),
                status=CertStatus.ACTIVE,
                not_before__lte=at,
                not_after__gt=at,
            )
        )
    )
    rows = (
        Staff.objects.filter(unit__school_id__in=_ids(schools), is_active=True, user__isnull=False)
        .values("unit__school_id")
        .annotate(done=Count("id", filter=valid), total=Count("id"))
        .values_list("unit__school_id", "done", "total")
    )
    return _by_school(schools, rows)


def library_readers(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Pupils of the year who borrowed from the school library since the year began; no
    data while the library has no catalogued copy in HoSo."""
    from hoso.library.models import Copy, Loan

    if not Copy.objects.filter(school=school).exists():
        return Figure(0, 0)
    pupils = _pupils(school, year)
    loans = Loan.objects.filter(
        school=school, student_id__in=pupils, issued_at__gte=_year_start(year), issued_at__lte=at
    )
    return Figure(len(set(loans.values_list("student_id", flat=True))), len(pupils))


def library_readers_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.library.models import Copy, Loan

    with_copies = set(
        Copy.objects.filter(school_id__in=_ids(schools)).values_list("school_id", flat=True)
    )
    libraries = [s for s in schools if s.pk in with_copies]
    found = {s.pk: Figure(0, 0) for s in schools}
    if not libraries:
        return found
    borrowed = Q(
        Exists(
            Loan.objects.filter(
                school_id=OuterRef("school_class__school_id"),
                student_id=OuterRef("student_id"),
                issued_at__gte=_year_start(year),
                issued_at__lte=at,
            )
        )
    )
    rows = (
        _enrolled(libraries, year)
        .annotate(
            done=Count("student_id", filter=borrowed, distinct=True),
            total=Count("student_id", distinct=True),
        )
        .values_list("school_class__school_id", "done", "total")
    )
    found.update(_by_school(libraries, rows))
    return found


def reports_on_time(school: Unit, year: SchoolYear, at: dt.datetime) -> Figure:
    """Reports the offices asked of the school this year sent by their deadline, of those
    sent or whose deadline has passed."""
    from hoso.offices.models import ReportAssignment, ReportState

    rows = ReportAssignment.objects.filter(unit=school, request__school_year=year)
    owed = rows.filter(Q(submitted_at__isnull=False) | Q(request__deadline__lt=at))
    on_time = owed.filter(state=ReportState.SUBMITTED, late=False, submitted_at__lte=at)
    return Figure(on_time.count(), owed.count())


def reports_on_time_bulk(
    schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, Figure]:
    from hoso.offices.models import ReportAssignment, ReportState

    owed = Q(submitted_at__isnull=False) | Q(request__deadline__lt=at)
    on_time = owed & Q(state=ReportState.SUBMITTED, late=False, submitted_at__lte=at)
    rows = (
        ReportAssignment.objects.filter(unit_id__in=_ids(schools), request__school_year=year)
        .values("unit_id")
        .annotate(done=Count("id", filter=on_time), total=Count("id", filter=owed))
        .values_list("unit_id", "done", "total")
    )
    return _by_school(schools, rows)


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure(
            "records_on_time",
            _("Tỉ lệ hồ sơ đến hạn được nộp đúng hạn"),
            _("hồ sơ nộp đúng hạn / hồ sơ đã đến hạn trong năm học"),
            records_on_time,
            records_on_time_bulk,
        ),
        Measure(
            "records_signed",
            _("Tỉ lệ hồ sơ ban hành có chữ ký số"),
            _("phiên bản ban hành có chữ ký số / phiên bản đã ban hành trong năm học"),
            records_signed,
            records_signed_bulk,
        ),
        Measure(
            "gradebook_entered",
            _("Tỉ lệ điểm được nhập vào sổ điểm điện tử đúng tiến độ"),
            _("ô điểm đã nhập / ô điểm phải có đến nay"),
            gradebook_entered,
            gradebook_entered_bulk,
        ),
        Measure(
            "hocba_issued",
            _("Tỉ lệ học sinh có học bạ số đã ban hành"),
            _("học sinh có học bạ số ban hành / học sinh của năm học"),
            hocba_issued,
            hocba_issued_bulk,
        ),
        Measure(
            "staff_certificates",
            _("Tỉ lệ cán bộ, giáo viên có chứng thư ký số"),
            _("người có chứng thư ký số còn hiệu lực / cán bộ, giáo viên có tài khoản"),
            staff_certificates,
            staff_certificates_bulk,
        ),
        Measure(
            "library_readers",
            _("Tỉ lệ học sinh mượn sách thư viện trong năm học"),
            _("học sinh đã mượn sách / học sinh của năm học"),
            library_readers,
            library_readers_bulk,
        ),
        Measure(
            "reports_on_time",
            _("Tỉ lệ báo cáo gửi Phòng, Sở đúng hạn"),
            _("báo cáo nộp đúng hạn / báo cáo đã đến hạn"),
            reports_on_time,
            reports_on_time_bulk,
        ),
    )
}


def measure(code: str) -> Measure | None:
    return MEASURES.get(code)


def figures_for(
    codes: Iterable[str], schools: Sequence[Unit], year: SchoolYear, at: dt.datetime
) -> dict[int, dict[str, Figure]]:
    """The figures of the measures `codes` (unknown ones skipped) for every school, by school
    id then code: one grouped computation per measure, not one per school."""
    found: dict[int, dict[str, Figure]] = {s.pk: {} for s in schools}
    for code in dict.fromkeys(codes):
        known = MEASURES.get(code)
        if known is None:
            continue
        for school_id, figure in known.bulk(schools, year, at).items():
            found[school_id][code] = figure
    return found
