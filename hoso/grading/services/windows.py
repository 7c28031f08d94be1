"""Entry windows (mở/khóa sổ), correction requests after closing, and publication of results.

Only the principal decides corrections (DOMAIN §10.11); HT, PHT or the văn thư (on the
principal's instruction, written in the reason) open and close windows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.grading.catalogue import sheet_columns
from hoso.grading.models import (
    CorrectionRequest,
    CorrectionStatus,
    Entry,
    EntryWindow,
    Publication,
    WindowCheckpoint,
)
from hoso.grading.rules.subjects import subject_names
from hoso.grading.selectors import enrolled_ids, is_open, open_windows
from hoso.grading.services.entries import (
    RECEIVED_READ_ONLY,
    CellChange,
    cell_set,
    class_year_id,
    require_enter,
)
from hoso.grading.sheets import PCNL, REN_LUYEN, Column, normalise
from hoso.org.models import Student, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch

MIN_REASON = 5


def _reason(text: str, what: str = "") -> str:
    what = what or _("lý do")
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise DomainError(
            _("Hãy ghi %(what)s (ít nhất %(min_reason)s ký tự).")
            % {"what": what, "min_reason": MIN_REASON},
            fields={"reason": [what]},
        )
    return text[:300]


# --- windows -------------------------------------------------------------------------------


@transaction.atomic
def window_open(
    *,
    actor: Any,
    school: Unit,
    reason: str,
    checkpoint: str = "",
    grade: int | None = None,
    school_class: Unit | None = None,
    sheet: str = "",
) -> EntryWindow:
    if school.kind != UnitKind.TRUONG or not can(actor, "grading.window.manage", school):
        raise NotAllowed(_("Chỉ hiệu trưởng, phó hiệu trưởng hoặc văn thư được mở sổ nhập điểm."))
    if checkpoint and checkpoint not in WindowCheckpoint.values:
        raise DomainError(_("Thời điểm đánh giá không hợp lệ."), fields={"checkpoint": ["?"]})
    if school_class is not None and school_class.school_id != school.pk:
        raise DomainError(_("Lớp không thuộc trường này."))
    _check_scope(grade, school_class, sheet)
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại."))
    window = EntryWindow.objects.create(
        school=school,
        school_year=year,
        grade=grade,
        school_class=school_class,
        sheet=sheet,
        checkpoint=checkpoint,
        reason=_reason(reason),
        opened_by=actor,
    )
    audit_log(
        "grading.window.opened",
        actor=actor,
        obj=window,
        unit_id=school.pk,
        data={
            "grade": grade,
            "class": school_class.pk if school_class else None,
            "sheet": sheet,
            "checkpoint": checkpoint,
            "reason": window.reason,
        },
    )
    return window


def _check_scope(grade: int | None, school_class: Unit | None, sheet: str) -> None:
    """A window for a grade, class or sheet that cannot exist would silently open nothing."""
    if grade is not None and not 1 <= grade <= 12:
        raise DomainError(_("Khối lớp phải từ 1 đến 12."), fields={"grade": [str(grade)]})
    if grade is not None and school_class is not None and school_class.grade != grade:
        raise DomainError(
            _("Lớp %(name)s thuộc khối %(grade)s, không phải khối %(wanted)s.")
            % {"name": school_class.name, "grade": school_class.grade, "wanted": grade}
        )
    if sheet and sheet not in (PCNL, REN_LUYEN) and sheet not in subject_names():
        raise DomainError(
            _("Không có môn hoặc phần '%(sheet)s'.") % {"sheet": sheet}, fields={"sheet": [sheet]}
        )


@transaction.atomic
def window_close(*, actor: Any, window: EntryWindow, reason: str) -> EntryWindow:
    window = (
        EntryWindow.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=window.pk)
    )
    if not can(actor, "grading.window.manage", window.school):
        raise NotAllowed(_("Chỉ hiệu trưởng, phó hiệu trưởng hoặc văn thư được khóa sổ."))
    if not window.is_open:
        raise Conflict(_("Đợt nhập điểm này đã khóa."))
    window.closed_at, window.closed_by = timezone.now(), actor
    window.close_reason = _reason(reason)
    window.save(update_fields=["closed_at", "closed_by", "close_reason"])
    audit_log(
        "grading.window.closed",
        actor=actor,
        obj=window,
        unit_id=window.school_id,
        data={"reason": window.close_reason},
    )
    return window


# --- corrections -----------------------------------------------------------------------------


def _column(school_class: Unit, sheet: str, area: str, slot: str) -> Column:
    for column in sheet_columns(school_class, sheet):
        if column.area == area and column.slot == slot:
            return column
    raise DomainError(_("Cột này không thuộc bảng nhập của môn đã chọn."))


def _current(student: Student, school_class: Unit, area: str, slot: str) -> Entry | None:
    return Entry.objects.filter(
        student=student, school_year_id=school_class.school_year_id, area=area, slot=slot
    ).first()


def _not_received(entry: Entry | None) -> None:
    """A received value (kết quả chuyển đến) is not corrected at the receiving school."""
    if entry is not None and entry.origin:
        raise DomainError(_(RECEIVED_READ_ONLY) % {"school": entry.origin})


@transaction.atomic
def correction_request(
    *,
    actor: Any,
    school_class: Unit,
    sheet: str,
    student: Student,
    area: str,
    slot: str,
    new_value: str,
    reason: str,
) -> CorrectionRequest:
    require_enter(actor, school_class, sheet)
    column = _column(school_class, sheet, area, slot)
    if student.pk not in enrolled_ids(school_class):
        raise DomainError(_("Học sinh không thuộc lớp này."))
    if is_open(open_windows(school_class), school_class, column):
        raise Conflict(_("Sổ đang mở cho ô này: hãy sửa trực tiếp trên bảng nhập điểm."))
    value = normalise(column, new_value)
    entry = _current(student, school_class, area, slot)
    _not_received(entry)
    old = entry.value if entry else ""
    if old == value:
        raise DomainError(_("Giá trị mới giống giá trị hiện tại."))
    if CorrectionRequest.objects.filter(
        student=student,
        school_year_id=school_class.school_year_id,
        area=area,
        slot=slot,
        status=CorrectionStatus.PENDING,
    ).exists():
        raise Conflict(_("Ô này đã có một yêu cầu điều chỉnh đang chờ duyệt."))
    request = CorrectionRequest.objects.create(
        school_year_id=class_year_id(school_class),
        school_class=school_class,
        student=student,
        area=area,
        slot=slot,
        old_value=old,
        new_value=value,
        reason=_reason(reason),
        requested_by=actor,
    )
    audit_log(
        "grading.correction.requested",
        actor=actor,
        obj=request,
        unit_id=school_class.school_id,
        data={
            "student": student.pk,
            "area": area,
            "slot": slot,
            "before": old,
            "after": value,
            "reason": request.reason,
        },
    )
    return request


def _locked_pending(actor: Any, request: CorrectionRequest) -> CorrectionRequest:
    locked = (
        CorrectionRequest.objects.select_for_update(of=("self",))
        .select_related("school_class", "student")
        .get(pk=request.pk)
    )
    if not can(actor, "grading.correction.view", locked):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "grading.correction.decide", locked):
        raise NotAllowed(_("Chỉ hiệu trưởng được duyệt yêu cầu điều chỉnh điểm."))
    if locked.status != CorrectionStatus.PENDING:
        raise Conflict(_("Yêu cầu này đã được xử lý."))
    return locked


@transaction.atomic
def correction_approve(*, actor: Any, request: CorrectionRequest, note: str = "") -> Entry | None:
    req = _locked_pending(actor, request)
    entry = _current(req.student, req.school_class, req.area, req.slot)
    _not_received(entry)
    current = entry.value if entry else ""
    if current != req.old_value:
        raise Conflict(
            _(
                "Giá trị hiện tại (%(current)s) đã khác giá trị cũ trong yêu cầu "
                "(%(old)s); hãy từ chối và gửi yêu cầu mới."
            )
            % {"current": current or _("trống"), "old": req.old_value or _("trống")}
        )
    change = CellChange(req.student_id, req.area, req.slot, req.new_value)
    cell_set(actor, req.school_class, change, entry)
    school_figures_touch([req.school_class.school_id or 0])
    req.status, req.decided_by, req.decided_at = CorrectionStatus.APPROVED, actor, timezone.now()
    req.decision_note = (note or "").strip()[:500]
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_log(
        "grading.correction.approved",
        actor=actor,
        obj=req,
        unit_id=req.school_class.school_id,
        data={
            "student": req.student_id,
            "area": req.area,
            "slot": req.slot,
            "before": req.old_value,
            "after": req.new_value,
            "requested_by": req.requested_by_id,
            "note": req.decision_note,
        },
    )
    return _current(req.student, req.school_class, req.area, req.slot)


@transaction.atomic
def correction_refuse(*, actor: Any, request: CorrectionRequest, note: str) -> CorrectionRequest:
    req = _locked_pending(actor, request)
    req.decision_note = _reason(note, _("lý do từ chối"))
    req.status, req.decided_by, req.decided_at = CorrectionStatus.REFUSED, actor, timezone.now()
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_log(
        "grading.correction.refused",
        actor=actor,
        obj=req,
        unit_id=req.school_class.school_id,
        data={"note": req.decision_note},
    )
    return req


# --- publication ----------------------------------------------------------------------------


@transaction.atomic
def results_publish(*, actor: Any, school_class: Unit, term: str) -> Publication:
    if not can(actor, "grading.results.publish", school_class):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc phó hiệu trưởng được công bố kết quả."))
    if term not in ("HK1", "HK2", "CN"):
        raise DomainError(_("Kỳ công bố phải là HK1, HK2 hoặc CN."))
    publication, created = Publication.objects.get_or_create(
        school_class=school_class,
        school_year_id=school_class.school_year_id,
        term=term,
        defaults={"published_by": actor},
    )
    if not created:
        raise Conflict(_("Kết quả kỳ này của lớp đã được công bố."))
    audit_log(
        "grading.results.published",
        actor=actor,
        obj=school_class,
        unit_id=school_class.school_id,
        data={"term": term},
    )
    return publication
