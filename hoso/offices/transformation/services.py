"""Writes of digital-transformation measures: an office writes a criteria set (draft),
publishes it (weights checked, criteria frozen, one sheet per school), copies it into a new
version, closes it (every school's figures kept as a snapshot, ranks fixed); a school enters
its values with evidence and submits; the office returns a sheet with a reason. One
transaction and one audit entry each; every check before anything is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.offices.models import (
    Answer,
    AnswerKind,
    CriteriaSet,
    Criterion,
    MeasureKind,
    SchoolSheet,
    SetState,
    SheetState,
)
from hoso.offices.services.directives import MAX_TEXT, MAX_TITLE, clean, receivers
from hoso.offices.services.reports import FileIn, _stored
from hoso.offices.transformation import scoring
from hoso.offices.transformation.measures import MEASURES
from hoso.offices.transformation.selectors import all_breakdowns
from hoso.offices.transformation.services_figures import figures_refresh_later
from hoso.org.models import SchoolLevel, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.models import Record
from hoso.records.notify import notify

EVIDENCE_KINDS = {"pdf", "docx", "odt", "xlsx", "png", "jpg"}
MAX_CRITERIA = 200


@dataclass(frozen=True)
class CriterionIn:
    """A criterion as the faces hand it over (text as typed; checked here)."""

    group: str
    code: str
    title: str
    points: str
    kind: str
    measure: str = ""
    answer_kind: str = ""
    levels: int = 0
    guidance: str = ""


def _vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _locked_set(actor: Any, set_id: int) -> CriteriaSet:
    found = (
        CriteriaSet.objects.select_for_update(of=("self",))
        .select_related("office", "school_year")
        .filter(pk=set_id)
        .first()
    )
    if found is None or not can(actor, "offices.dx.set.view", found):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "offices.dx.set.manage", found):
        raise NotAllowed(_("Chỉ cán bộ của đơn vị ban hành bộ tiêu chí mới làm được việc này."))
    return found


def _draft(cset: CriteriaSet) -> None:
    if cset.state != SetState.DRAFT:
        raise Conflict(
            _(
                "Bộ tiêu chí đã ban hành nên không sửa được; hãy tạo phiên bản mới từ bộ này "
                "để điều chỉnh."
            )
        )


def _window(opens_on: dt.date | None, closes_on: dt.date | None) -> tuple[dt.date, dt.date]:
    if opens_on is None or closes_on is None:
        message = _("Hãy ghi ngày bắt đầu và hạn nộp.")
        raise DomainError(message, fields={"closes_on": [message]})
    if closes_on < opens_on:
        message = _("Hạn nộp phải từ ngày bắt đầu trở đi.")
        raise DomainError(message, fields={"closes_on": [message]})
    return opens_on, closes_on


def _criterion(cset: CriteriaSet, data: CriterionIn, order: int, taken: set[str]) -> Criterion:
    """A checked, unsaved criterion; the first problem refused with its field named."""
    group = clean(data.group, field="group", label=_("nhóm tiêu chí"), limit=120)
    code = clean(data.code, field="code", label=_("mã tiêu chí"), limit=20)
    if code in taken:
        message = _("Mã tiêu chí %(code)s đã có trong bộ.") % {"code": code}
        raise DomainError(message, fields={"code": [message]})
    title = clean(data.title, field="title", label=_("tên tiêu chí"), limit=500)
    guidance = clean(
        data.guidance, field="guidance", label=_("hướng dẫn"), limit=MAX_TEXT, required=False
    )
    weight = scoring.parse_decimal(data.points, field="points", label=_("điểm tối đa"))
    if not Decimal(0) < weight <= scoring.TOTAL_POINTS or weight != weight.quantize(scoring.CENT):
        message = _("Điểm tối đa phải lớn hơn 0, không quá 100, nhiều nhất hai chữ số thập phân.")
        raise DomainError(message, fields={"points": [message]})
    row = Criterion(
        criteria_set=cset,
        group=group,
        code=code,
        title=title,
        guidance=guidance,
        points=weight,
        kind=data.kind,
        order=order,
    )
    if data.kind == MeasureKind.AUTO:
        if data.measure not in MEASURES:
            message = _("Hãy chọn chỉ số tự động trong danh sách.")
            raise DomainError(message, fields={"measure": [message]})
        row.measure = data.measure
    elif data.kind == MeasureKind.ENTERED:
        _entered(row, data)
    else:
        message = _("Hãy chọn cách đo: tự động hoặc trường tự đánh giá.")
        raise DomainError(message, fields={"kind": [message]})
    return row


def _entered(row: Criterion, data: CriterionIn) -> None:
    if data.answer_kind not in AnswerKind.values:
        message = _("Hãy chọn cách trường ghi kết quả (tỉ lệ, có/không, mức).")
        raise DomainError(message, fields={"answer_kind": [message]})
    row.answer_kind = data.answer_kind
    if data.answer_kind == AnswerKind.LEVEL:
        if not 2 <= data.levels <= scoring.MAX_LEVELS:
            message = _("Số mức phải từ 2 đến %(n)s.") % {"n": scoring.MAX_LEVELS}
            raise DomainError(message, fields={"levels": [message]})
        row.levels = data.levels


def _level(level: str) -> str:
    if level and level not in SchoolLevel.values:
        message = _("Cấp học không hợp lệ.")
        raise DomainError(message, fields={"level": [message]})
    return level


@transaction.atomic
def criteria_set_create(
    *,
    actor: Any,
    office: Unit,
    title: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    description: str = "",
    level: str = "",
    criteria: Sequence[CriterionIn] = (),
    ip: str = "",
) -> CriteriaSet:
    if office.kind not in (UnitKind.SO, UnitKind.PHONG) or not can(
        actor, "offices.office.act", office
    ):
        raise NotAllowed(_("Chỉ cán bộ Phòng, Sở GDĐT lập bộ tiêu chí cho các trường trực thuộc."))
    title = clean(title, field="title", label=_("tên bộ tiêu chí"), limit=MAX_TITLE)
    description = clean(
        description, field="description", label=_("hướng dẫn"), limit=MAX_TEXT, required=False
    )
    opens, closes = _window(opens_on, closes_on)
    year = current_year()
    if year is None:
        raise Conflict(_("Chưa có năm học hiện tại."))
    if len(criteria) > MAX_CRITERIA:
        raise DomainError(_("Một bộ có nhiều nhất %(n)s tiêu chí.") % {"n": MAX_CRITERIA})
    cset = CriteriaSet(
        office=office,
        school_year=year,
        title=title,
        description=description,
        level=_level(level),
        opens_on=opens,
        closes_on=closes,
        created_by=actor,
        created_at=timezone.now(),
    )
    taken: set[str] = set()
    rows = []
    for order, data in enumerate(criteria, start=1):
        rows.append(_criterion(cset, data, order, taken))
        taken.add(rows[-1].code)
    cset.save()
    for row in rows:
        row.criteria_set = cset
    Criterion.objects.bulk_create(rows)
    _log("offices.dx.set.created", actor, cset, ip, {"criteria": len(rows)})
    return cset


def _log(action: str, actor: Any, cset: CriteriaSet, ip: str, data: dict[str, Any]) -> None:
    audit_log(action, actor=actor, obj=cset, unit_id=cset.office_id, ip=ip, data=data)


@transaction.atomic
def criterion_add(*, actor: Any, set_id: int, data: CriterionIn, ip: str = "") -> Criterion:
    cset = _locked_set(actor, set_id)
    _draft(cset)
    existing = list(cset.criteria.values_list("code", "order"))
    if len(existing) >= MAX_CRITERIA:
        raise DomainError(_("Một bộ có nhiều nhất %(n)s tiêu chí.") % {"n": MAX_CRITERIA})
    order = max((o for _c, o in existing), default=0) + 1
    row = _criterion(cset, data, order, {c for c, _o in existing})
    row.save()
    _log(
        "offices.dx.criterion.added",
        actor,
        cset,
        ip,
        {"code": row.code, "points": str(row.points), "kind": row.kind, "measure": row.measure},
    )
    return row


@transaction.atomic
def criterion_remove(*, actor: Any, set_id: int, code: str, ip: str = "") -> None:
    cset = _locked_set(actor, set_id)
    _draft(cset)
    row = cset.criteria.filter(code=str(code)[:20]).first()
    if row is None:
        message = _("Bộ tiêu chí không có tiêu chí mã “%(code)s”.") % {"code": str(code)[:20]}
        raise DomainError(message, fields={"code": [message]})
    row.delete()
    _log("offices.dx.criterion.removed", actor, cset, ip, {"code": row.code})


def _schools(cset: CriteriaSet) -> list[Unit]:
    schools = Unit.objects.filter(
        path__startswith=cset.office.path, kind=UnitKind.TRUONG, is_active=True
    )
    if cset.level:
        schools = schools.filter(level=cset.level)
    return list(schools.order_by("path"))


@transaction.atomic
def criteria_set_publish(*, actor: Any, set_id: int, ip: str = "") -> CriteriaSet:
    """Freeze the criteria and open one sheet per school the set applies to."""
    cset = _locked_set(actor, set_id)
    _draft(cset)
    problem = scoring.weights_problem(list(cset.criteria.all()))
    if problem:
        raise DomainError(problem, fields={"points": [problem]})
    today = timezone.localdate()
    if cset.closes_on < today:
        message = _("Hạn nộp %(day)s đã qua; hãy tạo bộ với hạn nộp mới.") % {
            "day": _vn_date(cset.closes_on)
        }
        raise DomainError(message, fields={"closes_on": [message]})
    schools = _schools(cset)
    if not schools:
        raise DomainError(_("Không có trường trực thuộc nào thuộc phạm vi áp dụng của bộ."))
    cset.state, cset.published_at = SetState.OPEN, timezone.now()
    cset.save(update_fields=["state", "published_at"])
    SchoolSheet.objects.bulk_create([SchoolSheet(criteria_set=cset, school=s) for s in schools])
    _log("offices.dx.set.published", actor, cset, ip, {"schools": len(schools)})
    figures_refresh_later(cset.pk)  # the ranking's figures, computed once in the background
    notify(
        receivers(schools, cset.school_year),
        title=_("Tự đánh giá chuyển đổi số: %(t)s") % {"t": cset.title},
        body=_("Hạn nộp %(day)s.") % {"day": _vn_date(cset.closes_on)},
        url=reverse("offices:dx-sets"),
    )
    return cset


@transaction.atomic
def criteria_set_copy(*, actor: Any, set_id: int, ip: str = "") -> CriteriaSet:
    """A new draft version with the same criteria (a published set is never edited)."""
    source = _locked_set(actor, set_id)
    latest = CriteriaSet.objects.filter(title=source.title, office=source.office)
    version = max(latest.values_list("version", flat=True), default=source.version) + 1
    year = current_year() or source.school_year
    today = timezone.localdate()
    length = source.closes_on - source.opens_on
    copy = CriteriaSet.objects.create(
        office=source.office,
        school_year=year,
        title=source.title,
        description=source.description,
        level=source.level,
        opens_on=today,
        closes_on=today + length,
        version=version,
        copied_from=source,
        created_by=actor,
        created_at=timezone.now(),
    )
    rows = list(source.criteria.all())
    for row in rows:
        row.pk, row.criteria_set = None, copy
    Criterion.objects.bulk_create(rows)
    _log("offices.dx.set.copied", actor, copy, ip, {"from": source.pk, "version": version})
    return copy


@transaction.atomic
def criteria_set_close(*, actor: Any, set_id: int, ip: str = "") -> CriteriaSet:
    """Fix the result: every sheet's figures as of now, its total and its rank are kept, and
    nothing recomputes them afterwards."""
    cset = _locked_set(actor, set_id)
    if cset.state != SetState.OPEN:
        raise Conflict(_("Chỉ chốt kết quả được bộ tiêu chí đang mở."))
    now = timezone.now()
    results = all_breakdowns(cset, now)
    order = scoring.ranks((r.sheet.pk, r.total) for r in results)
    for result in results:
        sheet = result.sheet
        sheet.snapshot = scoring.snapshot_of(result)
        sheet.total, sheet.rank = result.total, order[sheet.pk]
    SchoolSheet.objects.bulk_update([r.sheet for r in results], ["snapshot", "total", "rank"])
    cset.state, cset.closed_at = SetState.CLOSED, now
    cset.save(update_fields=["state", "closed_at"])
    submitted = sum(1 for r in results if r.sheet.state == SheetState.SUBMITTED)
    _log(
        "offices.dx.set.closed",
        actor,
        cset,
        ip,
        {"schools": len(results), "submitted": submitted},
    )
    return cset


# --- the school's sheet ------------------------------------------------------------------------


def _locked_sheet(actor: Any, sheet_id: int, action: str, refusal: str) -> SchoolSheet:
    sheet = (
        SchoolSheet.objects.select_for_update(of=("self",))
        .select_related(
            "criteria_set", "criteria_set__office", "criteria_set__school_year", "school"
        )
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None or not can(actor, "offices.dx.sheet.view", sheet):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, action, sheet):
        raise NotAllowed(refusal)
    return sheet


def _fillable(sheet: SchoolSheet) -> None:
    cset = sheet.criteria_set
    if cset.state != SetState.OPEN:
        raise Conflict(_("Bộ tiêu chí đã chốt kết quả; phiếu không sửa được nữa."))
    if sheet.state == SheetState.SUBMITTED:
        raise Conflict(
            _("Trường đã nộp phiếu; chỉ sửa được khi %(office)s trả lại.")
            % {"office": cset.office.name}
        )
    today = timezone.localdate()
    if today < cset.opens_on:
        raise Conflict(
            _("Chưa đến ngày tự đánh giá (từ %(day)s).") % {"day": _vn_date(cset.opens_on)}
        )
    if today > cset.closes_on and sheet.state != SheetState.RETURNED:
        raise Conflict(
            _("Đã hết hạn tự đánh giá (%(day)s); hãy liên hệ %(office)s.")
            % {"day": _vn_date(cset.closes_on), "office": cset.office.name}
        )


def _evidence_record(actor: Any, sheet: SchoolSheet, record_id: int) -> Record:
    record = Record.objects.filter(pk=record_id, school_id=sheet.school_id).first()
    if record is None or not can(actor, "records.record.view", record):
        message = _("Không tìm thấy hồ sơ của trường để làm minh chứng.")
        raise NotFound(message, fields={"record": [message]})
    if record.version_count == 0:
        message = _("Hồ sơ đã chọn chưa có tệp nào.")
        raise DomainError(message, fields={"record": [message]})
    return record


@transaction.atomic
def answer_save(
    *,
    actor: Any,
    sheet_id: int,
    criterion_id: int,
    value: Any,
    note: str = "",
    upload: FileIn | None = None,
    record_id: int | None = None,
    ip: str = "",
) -> Answer:
    """The school's value for one entered criterion with its evidence (a file, or one of the
    school's records); an answer given before keeps its evidence unless new is given."""
    sheet = _locked_sheet(
        actor,
        sheet_id,
        "offices.dx.sheet.fill",
        _("Chỉ hiệu trưởng, phó hiệu trưởng của trường tự đánh giá chuyển đổi số."),
    )
    _fillable(sheet)
    criterion = sheet.criteria_set.criteria.filter(pk=criterion_id).first()
    if criterion is None:
        message = _("Bộ tiêu chí không có tiêu chí này.")
        raise DomainError(message, fields={"criterion": [message]})
    if criterion.kind != MeasureKind.ENTERED:
        message = _("Tiêu chí %(code)s được tính tự động từ số liệu HoSo; trường không nhập.") % {
            "code": criterion.code
        }
        raise DomainError(message, fields={"criterion": [message]})
    amount = scoring.parse_decimal(value, field="value", label=_("kết quả"))
    scoring.value_ratio(criterion, amount)
    note = clean(note, field="note", label=_("ghi chú"), limit=MAX_TEXT, required=False)
    answer = Answer.objects.filter(sheet=sheet, criterion=criterion).first()
    record = _evidence_record(actor, sheet, record_id) if record_id is not None else None
    if upload is None and record is None and (answer is None or not _has_evidence(answer)):
        message = _("Hãy kèm minh chứng: tải tệp lên hoặc chọn một hồ sơ của trường.")
        raise DomainError(message, fields={"evidence": [message]})
    if answer is None:
        answer = Answer(sheet=sheet, criterion=criterion)
    if upload is not None:
        answer.evidence_sha256, answer.evidence_filename = _stored(upload, EVIDENCE_KINDS, "file")
        answer.evidence_record = None
    elif record is not None:
        answer.evidence_record, answer.evidence_sha256, answer.evidence_filename = record, "", ""
    answer.value, answer.note = amount, note
    answer.answered_by, answer.answered_at = actor, timezone.now()
    answer.save()
    audit_log(
        "offices.dx.answer.saved",
        actor=actor,
        obj=sheet,
        unit_id=sheet.school_id,
        ip=ip,
        data={
            "criterion": criterion.code,
            "value": str(amount),
            "sha256": answer.evidence_sha256,
            "record": answer.evidence_record_id,
        },
    )
    return answer


def _has_evidence(answer: Answer) -> bool:
    return bool(answer.evidence_sha256) or answer.evidence_record_id is not None


@transaction.atomic
def sheet_submit(*, actor: Any, sheet_id: int, ip: str = "") -> SchoolSheet:
    sheet = _locked_sheet(
        actor,
        sheet_id,
        "offices.dx.sheet.submit",
        _("Hiệu trưởng nộp phiếu tự đánh giá của trường."),
    )
    _fillable(sheet)
    entered = sheet.criteria_set.criteria.filter(kind=MeasureKind.ENTERED)
    answered = {a.criterion_id for a in Answer.objects.filter(sheet=sheet) if _has_evidence(a)}
    missing = [c.code for c in entered if c.pk not in answered]
    if missing:
        message = _("Còn tiêu chí chưa tự đánh giá hoặc chưa có minh chứng: %(codes)s.") % {
            "codes": ", ".join(missing)
        }
        raise DomainError(message, fields={"answers": missing})
    sheet.state, sheet.submitted_at, sheet.submitted_by = (
        SheetState.SUBMITTED,
        timezone.now(),
        actor,
    )
    sheet.save(update_fields=["state", "submitted_at", "submitted_by"])
    audit_log(
        "offices.dx.sheet.submitted",
        actor=actor,
        obj=sheet,
        unit_id=sheet.school_id,
        ip=ip,
        data={"set": sheet.criteria_set_id},
    )
    notify(
        [sheet.criteria_set.created_by_id],
        title=_("%(school)s đã nộp phiếu tự đánh giá chuyển đổi số")
        % {"school": sheet.school.name},
        url=reverse("offices:dx-sheet", args=[sheet.pk]),
    )
    return sheet


@transaction.atomic
def sheet_return(*, actor: Any, sheet_id: int, comment: str, ip: str = "") -> SchoolSheet:
    sheet = _locked_sheet(
        actor,
        sheet_id,
        "offices.dx.sheet.return",
        _("Chỉ đơn vị ban hành bộ tiêu chí trả lại được phiếu của trường."),
    )
    comment = clean(comment, field="comment", label=_("lý do trả lại"), limit=MAX_TEXT)
    if sheet.criteria_set.state != SetState.OPEN:
        raise Conflict(_("Bộ tiêu chí đã chốt kết quả; không trả lại phiếu được nữa."))
    if sheet.state != SheetState.SUBMITTED:
        raise Conflict(_("Chỉ trả lại được phiếu trường đã nộp."))
    sheet.state, sheet.returned_at, sheet.returned_by = SheetState.RETURNED, timezone.now(), actor
    sheet.return_comment = comment
    sheet.save(update_fields=["state", "returned_at", "returned_by", "return_comment"])
    audit_log(
        "offices.dx.sheet.returned",
        actor=actor,
        obj=sheet,
        unit_id=sheet.school_id,
        ip=ip,
        data={"set": sheet.criteria_set_id},
    )
    notify(
        receivers([sheet.school], sheet.criteria_set.school_year),
        title=_("Phiếu tự đánh giá chuyển đổi số bị trả lại: %(t)s")
        % {"t": sheet.criteria_set.title},
        body=_("Lý do: %(c)s") % {"c": comment},
        url=reverse("offices:dx-sheet", args=[sheet.pk]),
    )
    return sheet


# --- downloads ---------------------------------------------------------------------------------


@transaction.atomic
def scores_exported(*, actor: Any, cset: CriteriaSet, rows: int, ip: str = "") -> None:
    _log("offices.dx.scores.exported", actor, cset, ip, {"rows": rows})


@transaction.atomic
def evidence_downloaded(*, actor: Any, answer: Answer, ip: str = "") -> None:
    audit_log(
        "offices.dx.evidence.downloaded",
        actor=actor,
        obj=answer.sheet,
        unit_id=answer.sheet.school_id,
        ip=ip,
        data={"criterion": answer.criterion.code, "sha256": answer.evidence_sha256},
    )
