"""Circulation: loans, returns, renewals, holds, whole-class textbook loans, reminders.

Patrons are org's students and staff, found by the code on their card (mã định danh,
`hoso.library.selectors.find_patron`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from hoso.library.models import (
    BibRecord,
    Copy,
    CopyStatus,
    Hold,
    HoldStatus,
    Holiday,
    ItemKind,
    Loan,
    LoanRule,
    PatronKind,
)
from hoso.library.selectors import Patron, active_holds, find_patron, overdue, own_patrons
from hoso.org.models import Enrolment, SchoolLevel, Staff, Student, Unit
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch

MAX_CLASS_BATCH = 3000


@dataclass(frozen=True)
class Rule:
    max_items: int
    days: int  # 0: until the end of the school year
    renewals: int


# Defaults (docs/sources/library.md §4, practice, UNCONFIRMED): the school may override each.
_STUDENT = {
    ItemKind.STK: Rule(3, 14, 1),
    ItemKind.THIEU_NHI: Rule(3, 14, 1),
    ItemKind.SGK: Rule(30, 0, 0),
    ItemKind.SGV: Rule(0, 0, 0),
    ItemKind.BAO: Rule(0, 0, 0),
    ItemKind.SO: Rule(0, 0, 0),
}
_PRIMARY_STUDENT = {
    **_STUDENT,
    ItemKind.STK: Rule(2, 7, 1),
    ItemKind.THIEU_NHI: Rule(2, 7, 1),
}
_STAFF = {
    ItemKind.STK: Rule(5, 30, 2),
    ItemKind.THIEU_NHI: Rule(5, 30, 2),
    ItemKind.SGK: Rule(30, 0, 0),
    ItemKind.SGV: Rule(30, 0, 0),
    ItemKind.BAO: Rule(0, 0, 0),
    ItemKind.SO: Rule(0, 0, 0),
}


def loan_rule(school: Unit, patron_kind: str, item_kind: str) -> Rule:
    row = LoanRule.objects.filter(
        school=school, patron_kind=patron_kind, item_kind=item_kind
    ).first()
    if row is not None:
        return Rule(row.max_items, row.days, row.renewals)
    if patron_kind == PatronKind.STAFF:
        table = _STAFF
    else:
        table = _PRIMARY_STUDENT if school.level in (SchoolLevel.TH, SchoolLevel.MN) else _STUDENT
    return table[ItemKind(item_kind)]


def find_copy(school: Unit, barcode: str, *, lock: bool = False) -> Copy:
    code = "".join(str(barcode or "").split()).upper()[:40]
    if not code:
        raise DomainError(_("Hãy quét mã vạch của sách."), fields={"barcode": [_("Trống.")]})
    copies = Copy.objects.select_related("record")
    if lock:
        copies = copies.select_for_update(of=("self",))
    copy = copies.filter(school=school, barcode=code).first()
    if copy is None:
        raise NotFound(
            _("Không có bản sách mang mã vạch %(code)s trong thư viện này.") % {"code": code}
        )
    return copy


def open_day(school: Unit, day: dt.date) -> dt.date:
    """`day`, or the next day that is neither a Sunday nor a holiday of the school."""
    holidays = set(
        Holiday.objects.filter(
            school=school, day__gte=day, day__lte=day + dt.timedelta(days=120)
        ).values_list("day", flat=True)
    )
    while day.weekday() == 6 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def due_date(school: Unit, rule: Rule, start: dt.date) -> dt.date:
    year = current_year()
    if rule.days == 0:
        return year.end_date if year is not None else start + dt.timedelta(days=270)
    due = open_day(school, start + dt.timedelta(days=rule.days))
    if year is not None and start <= year.end_date < due:
        due = year.end_date  # everything comes back before the summer
    return due


def _require_manage(actor: Any, school: Unit) -> None:
    if not can(actor, "library.manage", school):
        raise NotAllowed(_("Chỉ thủ thư của trường được cho mượn, nhận trả."))


def _check_lendable(copy: Copy) -> None:
    if copy.status == CopyStatus.ON_LOAN:
        current = Loan.objects.filter(copy=copy, returned_at__isnull=True).first()
        if current is not None:
            raise Conflict(
                _("Bản %(barcode)s đang cho mượn cho %(name)s; hãy nhận trả trước.")
                % {"barcode": copy.barcode, "name": current.patron_name}
            )
        raise Conflict(
            _("Bản %(barcode)s đang cho mượn; hãy nhận trả trước.") % {"barcode": copy.barcode}
        )
    if copy.status != CopyStatus.AVAILABLE:
        raise Conflict(
            _("Bản %(barcode)s đang ở tình trạng “%(status)s”.")
            % {"barcode": copy.barcode, "status": copy.get_status_display()}
        )


def _check_quota(school: Unit, patron: Patron, copy: Copy) -> Rule:
    rule = loan_rule(school, patron.kind, copy.record.kind)
    if rule.max_items == 0:
        raise Conflict(
            _("%(kind)s chỉ đọc tại chỗ với bạn đọc này.")
            % {"kind": copy.record.get_kind_display()}
        )
    held = patron.loans().filter(returned_at__isnull=True, copy__record__kind=copy.record.kind)
    if held.count() >= rule.max_items:
        raise Conflict(
            _("%(name)s đã mượn đủ %(max_items)s bản %(kind)s; hãy trả bớt trước.")
            % {
                "name": patron.name,
                "max_items": rule.max_items,
                "kind": copy.record.get_kind_display().lower(),
            }
        )
    return rule


def _hold_for_others(copy: Copy, patron: Patron) -> bool:
    holds = Hold.objects.filter(record_id=copy.record_id, status=HoldStatus.READY)
    if patron.student is not None:
        holds = holds.exclude(student=patron.student)
    else:
        holds = holds.exclude(staff=patron.staff)
    return holds.exists()


@transaction.atomic
def loan_checkout(
    *, actor: Any, school: Unit, patron_code: str, barcode: str, ip: str = ""
) -> Loan:
    """Lend the scanned copy to the scanned patron."""
    _require_manage(actor, school)
    patron = find_patron(school, patron_code)
    copy = find_copy(school, barcode, lock=True)
    _check_lendable(copy)
    if _hold_for_others(copy, patron):
        raise Conflict(
            _("Bản %(barcode)s đang được giữ cho bạn đọc khác đã đặt trước.")
            % {"barcode": copy.barcode}
        )
    rule = _check_quota(school, patron, copy)
    now = timezone.now()
    loan = Loan.objects.create(
        copy=copy,
        school=school,
        student=patron.student,
        staff=patron.staff,
        issued_at=now,
        due_on=due_date(school, rule, timezone.localdate(now)),
        issued_by=actor,
    )
    copy.status = CopyStatus.ON_LOAN
    copy.save(update_fields=["status"])
    _hold_collected(copy.record, patron)
    audit_log(
        "library.loan.issued",
        actor=actor,
        obj=loan,
        unit_id=school.pk,
        ip=ip,
        data={"copy": copy.barcode, "patron": patron.code},
    )
    school_figures_touch([loan.school_id])  # the dashboard's library figures
    return loan


def _hold_collected(record: BibRecord, patron: Patron) -> None:
    holds = Hold.objects.filter(record=record, status__in=[HoldStatus.READY, HoldStatus.WAITING])
    mine = (
        holds.filter(student=patron.student) if patron.student else holds.filter(staff=patron.staff)
    )
    mine.update(status=HoldStatus.DONE)


@transaction.atomic
def loan_return(*, actor: Any, school: Unit, barcode: str, ip: str = "") -> Loan:
    _require_manage(actor, school)
    copy = find_copy(school, barcode, lock=True)
    loan = Loan.objects.select_for_update().filter(copy=copy, returned_at__isnull=True).first()
    if loan is None:
        raise Conflict(_("Bản %(barcode)s không có ai đang mượn.") % {"barcode": copy.barcode})
    loan.returned_at = timezone.now()
    loan.save(update_fields=["returned_at"])
    copy.status = CopyStatus.AVAILABLE
    copy.save(update_fields=["status"])
    _next_hold_ready(copy)
    audit_log(
        "library.loan.returned",
        actor=actor,
        obj=loan,
        unit_id=school.pk,
        ip=ip,
        data={"copy": copy.barcode, "late_days": max(0, (timezone.localdate() - loan.due_on).days)},
    )
    school_figures_touch([loan.school_id])  # the dashboard's library figures
    return loan


def _next_hold_ready(copy: Copy) -> None:
    hold = Hold.objects.filter(record_id=copy.record_id, status=HoldStatus.WAITING).first()
    if hold is None:
        return
    hold.status = HoldStatus.READY
    hold.save(update_fields=["status"])
    users = _patron_users(hold.student, hold.staff)
    if users:
        from hoso.records.notify import notify

        notify(
            users,
            title=_("Sách bạn đặt đã có: %(title)s") % {"title": copy.record.title},
            body=_("Mời đến thư viện nhận sách."),
            url=reverse("library:my-loans"),
        )


def _patron_users(student: Student | None, staff: Staff | None) -> list[int]:
    if staff is not None:
        return [staff.user_id] if staff.user_id else []
    from hoso.grading.guardians import guardians_consenting

    # A parent who has not consented (or withdrew) is told nothing about the child.
    return guardians_consenting(student) if student is not None else []


@transaction.atomic
def loan_renew(*, actor: Any, loan: Loan, ip: str = "") -> Loan:
    _require_manage(actor, loan.school)
    loan = Loan.objects.select_for_update().select_related("copy__record", "school").get(pk=loan.pk)
    if loan.returned_at is not None:
        raise Conflict(_("Lượt mượn này đã trả."))
    kind = PatronKind.STUDENT if loan.student_id else PatronKind.STAFF
    rule = loan_rule(loan.school, kind, loan.copy.record.kind)
    if loan.renewals >= rule.renewals:
        raise Conflict(_("Đã gia hạn tối đa %(renewals)s lần.") % {"renewals": rule.renewals})
    if Hold.objects.filter(record_id=loan.copy.record_id, status=HoldStatus.WAITING).exists():
        raise Conflict(_("Có bạn đọc đang đặt trước sách này; không gia hạn được."))
    loan.due_on = due_date(loan.school, rule, max(timezone.localdate(), loan.due_on))
    loan.renewals += 1
    loan.save(update_fields=["due_on", "renewals"])
    audit_log(
        "library.loan.renewed",
        actor=actor,
        obj=loan,
        unit_id=loan.school_id,
        ip=ip,
        data={"due_on": loan.due_on.isoformat()},
    )
    school_figures_touch([loan.school_id])  # the dashboard's library figures
    return loan


@transaction.atomic
def hold_place(*, actor: Any, record: BibRecord, patron_code: str, ip: str = "") -> Hold:
    """At the desk or on the title page: the thủ thư holds a title for the patron on the card."""
    _require_manage(actor, record.school)
    patron = find_patron(record.school, patron_code)
    return _hold_create(actor, record, patron, "library.hold.placed", ip)


# A patron's own holds at once (Koha's maxreserves); the thủ thư at the desk is not bound by it.
MAX_OWN_HOLDS = 3


@transaction.atomic
def hold_request(*, actor: Any, record: BibRecord, patron_key: str = "", ip: str = "") -> Hold:
    """From the catalogue: a teacher holds a title for themselves, a parent for their child.
    `patron_key` chooses among the person's own patrons at the title's school (own_patrons);
    empty means the only one."""
    patrons = own_patrons(actor, record.school)
    if not patrons:
        raise NotFound(_("Bạn không phải bạn đọc của thư viện này."))
    chosen = [p for p in patrons if p.key == patron_key] if patron_key else patrons[:1]
    if len(chosen) != 1 or (not patron_key and len(patrons) > 1):
        raise DomainError(
            _("Hãy chọn đặt trước cho ai."), fields={"patron": [_("Chọn một bạn đọc.")]}
        )
    patron = chosen[0]
    _lock_person(patron)  # two taps at once must not make two holds or pass the limit
    if active_holds(patron).count() >= MAX_OWN_HOLDS:
        raise Conflict(
            _("%(name)s đã đặt trước %(n)d sách; hãy nhận hoặc hủy bớt trước khi đặt thêm.")
            % {"name": patron.name, "n": MAX_OWN_HOLDS}
        )
    if patron.loans().filter(copy__record=record, returned_at__isnull=True).exists():
        raise Conflict(_("%(name)s đang mượn sách này.") % {"name": patron.name})
    return _hold_create(actor, record, patron, "library.hold.requested", ip)


def _lock_person(patron: Patron) -> None:
    if patron.student is not None:
        Student.objects.select_for_update().only("pk").get(pk=patron.student.pk)
    else:
        Staff.objects.select_for_update().only("pk").get(pk=patron.staff.pk)  # type: ignore[union-attr]


def _hold_create(actor: Any, record: BibRecord, patron: Patron, action: str, ip: str) -> Hold:
    if active_holds(patron).filter(record=record).exists():
        raise Conflict(_("%(name)s đã đặt trước sách này.") % {"name": patron.name})
    hold = Hold.objects.create(
        record=record, school=record.school, student=patron.student, staff=patron.staff
    )
    available = record.copies.filter(status=CopyStatus.AVAILABLE).first()
    if available is not None:
        hold.status = HoldStatus.READY
        hold.save(update_fields=["status"])
    audit_log(action, actor=actor, obj=hold, unit_id=record.school_id, ip=ip)
    return hold


@transaction.atomic
def hold_withdraw(*, actor: Any, hold: Hold, ip: str = "") -> Hold:
    """The patron (or the parent) cancels their own hold; a ready copy goes to the next."""
    hold = Hold.objects.select_for_update().select_related("record").get(pk=hold.pk)
    if not can(actor, "library.hold.own", hold):
        raise NotFound(_("Không tìm thấy lượt đặt trước."))
    if hold.status not in (HoldStatus.WAITING, HoldStatus.READY):
        raise Conflict(_("Lượt đặt trước này đã kết thúc."))
    was_ready = hold.status == HoldStatus.READY
    hold.status = HoldStatus.CANCELLED
    hold.save(update_fields=["status"])
    if was_ready:
        copy = hold.record.copies.filter(status=CopyStatus.AVAILABLE).first()
        if copy is not None:
            _next_hold_ready(copy)
    audit_log("library.hold.withdrawn", actor=actor, obj=hold, unit_id=hold.school_id, ip=ip)
    return hold


@transaction.atomic
def hold_cancel(*, actor: Any, hold: Hold, ip: str = "") -> Hold:
    _require_manage(actor, hold.school)
    if hold.status in (HoldStatus.DONE, HoldStatus.CANCELLED):
        raise Conflict(_("Lượt đặt trước này đã kết thúc."))
    hold.status = HoldStatus.CANCELLED
    hold.save(update_fields=["status"])
    audit_log("library.hold.cancelled", actor=actor, obj=hold, unit_id=hold.school_id, ip=ip)
    return hold


@transaction.atomic
def class_checkout(
    *, actor: Any, school_class: Unit, records: list[BibRecord], ip: str = ""
) -> list[Loan]:
    """Each pupil of the class borrows one copy of each textbook title for the school year;
    all or nothing: if a title lacks copies, nobody borrows anything."""
    school = school_class.school or school_class
    _require_manage(actor, school)
    year = current_year()
    students = list(
        Student.objects.filter(
            is_active=True,
            enrolments__school_class=school_class,
            enrolments__school_year=year,
        ).order_by("sort_key")
    )
    if not students:
        raise DomainError(_("Lớp chưa có học sinh nào trong năm học này."))
    if not records:
        raise DomainError(_("Hãy chọn ít nhất một đầu sách giáo khoa."))
    now = timezone.now()
    loans: list[Loan] = []
    for record in records:
        if record.school_id != school.pk:
            raise DomainError(_("Đầu sách không thuộc thư viện của trường."))
        have = set(
            Loan.objects.filter(
                copy__record=record, returned_at__isnull=True, student__in=students
            ).values_list("student_id", flat=True)
        )
        needing = [s for s in students if s.pk not in have]
        copies = list(
            Copy.objects.select_for_update()
            .filter(record=record, status=CopyStatus.AVAILABLE)
            .order_by("reg_number")[: len(needing)]
        )
        if len(copies) < len(needing):
            raise Conflict(
                _(
                    "“%(title)s” còn %(copies)s bản trên giá, lớp cần %(needing)s bản; "
                    "chưa cho mượn cuốn nào."
                )
                % {"title": record.title, "copies": len(copies), "needing": len(needing)}
            )
        rule = loan_rule(school, PatronKind.STUDENT, record.kind)
        due = due_date(school, rule, timezone.localdate(now))
        for student, copy in zip(needing, copies, strict=True):
            loans.append(
                Loan(
                    copy=copy,
                    school=school,
                    student=student,
                    issued_at=now,
                    due_on=due,
                    issued_by=actor,
                )
            )
            copy.status = CopyStatus.ON_LOAN
        Copy.objects.bulk_update(copies, ["status"])
    if len(loans) > MAX_CLASS_BATCH:
        raise DomainError(_("Quá nhiều bản trong một lần."))
    Loan.objects.bulk_create(loans)
    audit_log(
        "library.loan.class_issued",
        actor=actor,
        obj=school_class,
        unit_id=school.pk,
        ip=ip,
        data={"loans": len(loans), "titles": [r.pk for r in records]},
    )
    school_figures_touch([school.pk])
    return loans


@dataclass
class ClassReturn:
    returned: list[Loan]
    unknown: list[str]
    still_out: list[Loan]


@transaction.atomic
def class_return(
    *, actor: Any, school_class: Unit, barcodes: list[str], ip: str = ""
) -> ClassReturn:
    """The end of the year: every scanned book of the class comes back in one go; the answer
    lists the books still out (by pupil) and the codes that are not a loan of this class."""
    school = school_class.school or school_class
    _require_manage(actor, school)
    year = current_year()
    student_ids = set(
        Enrolment.objects.filter(school_class=school_class, school_year=year).values_list(
            "student_id", flat=True
        )
    )
    codes = list(dict.fromkeys("".join(b.split()).upper() for b in barcodes if b.strip()))
    if not codes:
        raise DomainError(_("Hãy quét mã vạch các cuốn sách trả lại."))
    open_loans = Loan.objects.select_for_update(of=("self",)).select_related("copy", "student")
    open_loans = open_loans.filter(returned_at__isnull=True, student_id__in=student_ids)
    by_code = {loan.copy.barcode: loan for loan in open_loans.filter(copy__barcode__in=codes)}
    now = timezone.now()
    returned = [by_code[c] for c in codes if c in by_code]
    for loan in returned:
        loan.returned_at = now
        loan.copy.status = CopyStatus.AVAILABLE
    Loan.objects.bulk_update(returned, ["returned_at"])
    Copy.objects.bulk_update([loan.copy for loan in returned], ["status"])
    still = list(
        open_loans.exclude(pk__in=[loan.pk for loan in returned]).order_by("student__sort_key")
    )
    audit_log(
        "library.loan.class_returned",
        actor=actor,
        obj=school_class,
        unit_id=school.pk,
        ip=ip,
        data={"returned": len(returned), "still_out": len(still)},
    )
    school_figures_touch([school.pk])
    return ClassReturn(returned, [c for c in codes if c not in by_code], still)


@transaction.atomic
def overdue_remind(*, actor: Any, school: Unit, ip: str = "") -> int:
    """One in-app notification (and e-mail, by the records app's notifier) per overdue loan to
    the borrowing staff member or to the pupil's parents; at most once a day per loan."""
    _require_manage(actor, school)
    from hoso.records.notify import notify

    today = timezone.localdate()
    sent = 0
    for loan in overdue(school, today).exclude(reminded_on=today):
        users = _patron_users(loan.student, loan.staff)
        if users:
            notify(
                users,
                title=_("Sách quá hạn trả: %(title)s") % {"title": loan.copy.record.title},
                body=_("%(patron_name)s mượn, hạn trả %(due_on)s.")
                % {"patron_name": loan.patron_name, "due_on": format(loan.due_on, "%d/%m/%Y")},
                url=reverse("library:my-loans"),
            )
            sent += 1
        loan.reminded_on = today
        loan.save(update_fields=["reminded_on"])
    audit_log(
        "library.overdue.reminded", actor=actor, unit_id=school.pk, ip=ip, data={"sent": sent}
    )
    return sent
