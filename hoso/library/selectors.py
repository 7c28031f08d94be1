"""Reads of the library: querysets already narrowed by the policy, and the reads within one
school the caller was allowed (a patron by card, overdue loans, a stock-taking's discrepancies)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.errors import Conflict, DomainError, NotFound
from hoso.library.catalog import query_words
from hoso.library.models import (
    BibRecord,
    Copy,
    CopyStatus,
    DigitalResource,
    Hold,
    HoldStatus,
    Loan,
    PatronKind,
    StockTake,
)
from hoso.org.models import Staff, Student, Unit, UnitKind
from hoso.policy import visible

MAX_RESULTS = 200


def managed_schools(user: Any) -> QuerySet[Unit]:
    """The schools whose library `user` runs (thủ thư; the administrator: all)."""
    return Unit.objects.filter(pk__in=_school_ids(user, "library.manage")).order_by("path")


def _school_ids(user: Any, action: str) -> list[int]:
    """Ids of the schools on whose library `user` may do `action`."""
    from hoso.policy import can

    schools = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).order_by("path")
    return [s.pk for s in schools if can(user, action, s)]


def viewable_schools(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=_school_ids(user, "library.view")).order_by("path")


def opac_schools(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=_school_ids(user, "library.opac")).order_by("path")


def search_records(records: QuerySet[BibRecord], query: str, kind: str = "") -> QuerySet[BibRecord]:
    """Accent-insensitive search: every word of the folded query appears in the folded title,
    authors, subject, series, ISBN or class number. No join here: a page's availability is counted
    afterwards for that page only (`with_availability`)."""
    for word in query_words(query):
        records = records.filter(search_text__contains=word)
    if kind:
        records = records.filter(kind=kind)
    return records.order_by("title", "id")


def with_availability(records: Any) -> list[BibRecord]:
    """The records of one page with `n_copies` (not weeded) and `n_available` set."""
    rows = list(records)
    counts = {
        row["record"]: row
        for row in Copy.objects.filter(record_id__in=[r.pk for r in rows])
        .values("record")
        .annotate(
            n_copies=Count("id", filter=~Q(status=CopyStatus.WEEDED)),
            n_available=Count("id", filter=Q(status=CopyStatus.AVAILABLE)),
        )
    }
    for record in rows:
        found = counts.get(record.pk, {})
        record.n_copies = found.get("n_copies", 0)  # type: ignore[attr-defined]
        record.n_available = found.get("n_available", 0)  # type: ignore[attr-defined]
    return rows


def school_records(school: Unit, query: str = "", kind: str = "") -> QuerySet[BibRecord]:
    return search_records(BibRecord.objects.filter(school=school), query, kind)


def record_copies(record: BibRecord) -> QuerySet[Copy]:
    return record.copies.exclude(status=CopyStatus.WEEDED).order_by("reg_number")


def open_loans(school: Unit) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(school=school, returned_at__isnull=True)
        .select_related("copy__record", "student", "staff")
        .order_by("due_on", "id")
    )


def my_loans(user: Any) -> QuerySet[Loan]:
    """The loans of the person, and of their children for a parent (library.loan.view)."""
    loans = Loan.objects.select_related("copy__record", "student", "staff", "school")
    own = Q(staff__user_id=user.pk)
    from hoso.grading.guardians import consented_student_ids

    children = consented_student_ids(user)  # a parent's consent must stand (hoso.families)
    return loans.filter(own | Q(student_id__in=children)).order_by("returned_at", "-issued_at")


def my_holds(user: Any) -> QuerySet[Hold]:
    """The person's holds, and their children's for a parent (library.hold.own), newest first."""
    holds = visible(user, "library.hold.own", Hold.objects.all())
    return holds.select_related("record", "school", "student", "staff").order_by(
        "status", "-created_at"
    )


def own_patrons(user: Any, school: Unit) -> list[Patron]:
    """Whom `user` may place a hold for at `school` themselves: their own staff card there,
    and each child of theirs who studies there. Left or inactive people are not patrons."""
    if not getattr(user, "is_authenticated", False):
        return []
    from hoso.grading.guardians import consented_student_ids

    patrons = [
        Patron(PatronKind.STAFF, staff=staff)
        for staff in Staff.objects.filter(user_id=user.pk, is_active=True).select_related("unit")
        if (staff.unit.school_id or staff.unit_id) == school.pk
    ]
    children = Student.objects.filter(
        pk__in=consented_student_ids(user), school=school, is_active=True
    ).order_by("sort_key")
    patrons += [Patron(PatronKind.STUDENT, student=child) for child in children]
    return patrons


def active_holds(patron: Patron) -> QuerySet[Hold]:
    holds = Hold.objects.filter(status__in=[HoldStatus.WAITING, HoldStatus.READY])
    if patron.student is not None:
        return holds.filter(student=patron.student)
    return holds.filter(staff=patron.staff)


def digital_visible(user: Any, query: str = "") -> QuerySet[DigitalResource]:
    resources = visible(
        user, "library.digital.view", DigitalResource.objects.select_related("owner_unit")
    )
    for word in query_words(query):
        resources = resources.filter(search_text__contains=word)
    return resources


# --- circulation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patron:
    kind: str
    student: Student | None = None
    staff: Staff | None = None

    @property
    def name(self) -> str:
        person = self.student or self.staff
        return person.full_name if person else ""

    @property
    def code(self) -> str:
        person = self.student or self.staff
        return person.code if person else ""

    @property
    def key(self) -> str:
        """How a form names this patron among a person's own (`own_patrons`)."""
        return f"hs{self.student.pk}" if self.student is not None else f"gv{self.staff.pk}"  # type: ignore[union-attr]

    def loans(self) -> Any:
        if self.student is not None:
            return Loan.objects.filter(student=self.student)
        return Loan.objects.filter(staff=self.staff)


def find_patron(school: Unit, code: str) -> Patron:
    """The student or staff member of `school` whose card carries `code`."""
    code = "".join(str(code or "").split())[:20]
    if not code:
        raise DomainError(
            _("Hãy quét thẻ bạn đọc (mã định danh)."), fields={"patron": [_("Trống.")]}
        )
    student = Student.objects.filter(code=code).select_related("school").first()
    if student is not None and student.school_id == school.pk:
        if not student.is_active:
            raise Conflict(
                _("Học sinh %(full_name)s đã rời trường; không cho mượn.")
                % {"full_name": student.full_name}
            )
        return Patron(PatronKind.STUDENT, student=student)
    staff = Staff.objects.filter(code=code).select_related("unit").first()
    if staff is not None and (staff.unit.school_id or staff.unit_id) == school.pk:
        if not staff.is_active:
            raise Conflict(
                _("%(full_name)s không còn công tác tại trường; không cho mượn.")
                % {"full_name": staff.full_name}
            )
        return Patron(PatronKind.STAFF, staff=staff)
    raise NotFound(_("Không có bạn đọc mang mã %(code)s ở trường này.") % {"code": code})


def overdue(school: Unit, today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return (
        Loan.objects.filter(school=school, returned_at__isnull=True, due_on__lt=today)
        .select_related("copy__record", "student", "staff")
        .order_by("due_on", "id")
    )


# --- stock ---------------------------------------------------------------------------------------


@dataclass
class Discrepancy:
    scanned: int
    expected: int
    missing: list[Copy]  # on the books, not on loan, not scanned
    misplaced: list[tuple[Copy, str]]  # scanned on another shelf than its location
    on_loan_scanned: list[Copy]  # scanned although the system says it is out
    on_loan: int
    unknown: list[str]  # codes that are not a copy of this library


def discrepancies(stocktake: StockTake) -> Discrepancy:
    scans = list(stocktake.scans.select_related("copy__record"))
    scanned_ids = {s.copy_id for s in scans if s.copy_id}
    live = Copy.objects.filter(school=stocktake.school).exclude(
        status__in=[CopyStatus.WEEDED, CopyStatus.LOST]
    )
    out_ids = set(
        Loan.objects.filter(school=stocktake.school, returned_at__isnull=True).values_list(
            "copy_id", flat=True
        )
    )
    missing = list(
        live.exclude(pk__in=scanned_ids)
        .exclude(pk__in=out_ids)
        .select_related("record")
        .order_by("reg_number")[:5000]
    )
    misplaced = [
        (s.copy, s.location)
        for s in scans
        if s.copy and s.location and s.copy.location and s.location != s.copy.location
    ]
    return Discrepancy(
        scanned=len(scans),
        expected=live.count(),
        missing=missing,
        misplaced=misplaced,
        on_loan_scanned=[s.copy for s in scans if s.copy and s.copy_id in out_ids],
        on_loan=len(out_ids),
        unknown=[s.barcode for s in scans if s.copy_id is None],
    )
