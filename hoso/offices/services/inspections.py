"""Inspection (kiểm tra) of a school by a Phòng or Sở, without visiting: open it with a scope,
write findings per item while reading the school's records (read-only, through the records
policy), draw up the biên bản kiểm tra as an office record signed through its chain, and send
it to the school as a directive the school answers (its "ý kiến của đơn vị được kiểm tra")."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.offices.models import Finding, Inspection, InspectionState, ReplyKind
from hoso.offices.selectors import item_label, scope_items
from hoso.offices.services.directives import MAX_TEXT, MAX_TITLE, clean, directive_issue
from hoso.org.models import Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.models import Record, RecordState, RecordType


@transaction.atomic
def inspection_open(
    *,
    actor: Any,
    office: Unit,
    school_id: int,
    title: str,
    decision: str = "",
    type_codes: list[str] | None = None,
    gradebook: bool = False,
    library: bool = False,
    ip: str = "",
) -> Inspection:
    if not can(actor, "offices.office.act", office):
        raise NotAllowed(_("Chỉ cán bộ của Phòng/Sở mới mở đợt kiểm tra."))
    school = Unit.objects.filter(
        pk=school_id, kind=UnitKind.TRUONG, path__startswith=office.path
    ).first()
    if school is None:
        message = _("Trường không thuộc phạm vi quản lý của %(name)s.") % {"name": office.name}
        raise DomainError(message, fields={"school": [message]})
    title = clean(title, field="title", label=_("nội dung kiểm tra"), limit=MAX_TITLE)
    decision = clean(decision, field="decision", label=_("căn cứ"), limit=255, required=False)
    codes = list(dict.fromkeys(type_codes or []))
    known = set(RecordType.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        message = _("Không có loại hồ sơ: %(items)s.") % {"items": ", ".join(unknown)}
        raise DomainError(message, fields={"types": [message]})
    if not (codes or gradebook or library):
        message = _("Hãy chọn ít nhất một nội dung kiểm tra.")
        raise DomainError(message, fields={"types": [message]})
    year = current_year()
    if year is None:
        raise Conflict(_("Chưa có năm học hiện tại."))
    inspection = Inspection.objects.create(
        office=office,
        school=school,
        school_year=year,
        title=title,
        decision=decision,
        scope_types=codes,
        scope_gradebook=gradebook,
        scope_library=library,
        opened_by=actor,
        opened_at=timezone.now(),
    )
    audit_log(
        "offices.inspection.opened",
        actor=actor,
        obj=inspection,
        unit_id=school.pk,
        ip=ip,
        data={"types": codes, "gradebook": gradebook, "library": library},
    )
    return inspection


def _locked(actor: Any, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("office", "school")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None or not can(actor, "offices.inspection.view", inspection):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "offices.inspection.work", inspection):
        raise NotAllowed(_("Chỉ cán bộ của đơn vị kiểm tra mới ghi kết luận."))
    return inspection


@transaction.atomic
def finding_save(
    *,
    actor: Any,
    inspection_id: int,
    item: str,
    strengths: str = "",
    weaknesses: str = "",
    recommendation: str = "",
    evidence: list[int] | None = None,
    ip: str = "",
) -> Finding:
    inspection = _locked(actor, inspection_id)
    if inspection.state != InspectionState.OPEN:
        raise Conflict(_("Đã lập biên bản; không sửa kết luận được nữa."))
    if item not in scope_items(inspection):
        raise DomainError(
            _("Mục này không thuộc nội dung kiểm tra."), fields={"item": [_("Sai mục.")]}
        )
    texts = {
        "strengths": clean(
            strengths, field="strengths", label=_("ưu điểm"), limit=MAX_TEXT, required=False
        ),
        "weaknesses": clean(
            weaknesses, field="weaknesses", label=_("hạn chế"), limit=MAX_TEXT, required=False
        ),
        "recommendation": clean(
            recommendation,
            field="recommendation",
            label=_("kiến nghị"),
            limit=MAX_TEXT,
            required=False,
        ),
    }
    if not any(texts.values()):
        raise DomainError(
            _("Hãy ghi ít nhất một nội dung kết luận."), fields={"strengths": [_("Trống.")]}
        )
    ids = sorted(set(evidence or []))
    readable = Record.objects.filter(pk__in=ids, school=inspection.school)
    if len([r for r in readable if can(actor, "records.record.view", r)]) != len(ids):
        raise DomainError(
            _("Minh chứng phải là hồ sơ của trường được kiểm tra."),
            fields={"evidence": [_("Sai.")]},
        )
    finding, _created = Finding.objects.update_or_create(
        inspection=inspection,
        item=item,
        defaults={**texts, "evidence": ids, "written_by": actor, "written_at": timezone.now()},
    )
    audit_log(
        "offices.inspection.finding",
        actor=actor,
        obj=inspection,
        unit_id=inspection.school_id,
        ip=ip,
        data={"item": item, "evidence": ids},
    )
    return finding


def minutes_lines(inspection: Inspection, actor: Any) -> list[str]:
    """The biên bản kiểm tra in the layout of docs/sources/offices.md §3 (Mẫu 1.9 frame)."""
    now = timezone.localtime()
    lines = [
        inspection.office.name.upper(),
        "ĐOÀN KIỂM TRA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc",
        f"Ngày {now:%d} tháng {now:%m} năm {now:%Y}",
        f"BIÊN BẢN KIỂM TRA {inspection.title} tại {inspection.school.name}",
    ]
    if inspection.decision:
        lines.append(f"Căn cứ {inspection.decision};")
    lines += [
        f"Thời gian: từ {timezone.localtime(inspection.opened_at):%d/%m/%Y} đến {now:%d/%m/%Y}.",
        "Địa điểm: kiểm tra trên hệ thống HoSo.",
        "I. THÀNH PHẦN",
        f"1. Đoàn kiểm tra: {actor.first_name or actor.username} — trưởng đoàn.",
        f"2. Đơn vị được kiểm tra: {inspection.school.name}.",
        "II. NỘI DUNG KIỂM TRA VÀ III. KẾT QUẢ KIỂM TRA",
    ]
    findings = {f.item: f for f in inspection.findings.all()}
    for number, item in enumerate(scope_items(inspection), start=1):
        with translation.override("vi"):  # the biên bản is a legal document: Vietnamese
            label = item_label(item)
        lines.append(f"{number}. {label}")
        found = findings.get(item)
        if found is None:
            lines.append("   Chưa có kết luận.")
            continue
        if found.evidence:
            lines.append(f"   Minh chứng: hồ sơ số {', '.join(str(i) for i in found.evidence)}.")
        lines.append(f"   Ưu điểm: {found.strengths or '—'}")
        lines.append(f"   Hạn chế, tồn tại: {found.weaknesses or '—'}")
    lines.append("IV. KIẾN NGHỊ")
    lines += [f"- {f.recommendation}" for f in findings.values() if f.recommendation] or [
        "- Không."
    ]
    lines += [
        "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA: đơn vị trả lời trên HoSo khi nhận biên bản.",
        "TRƯỞNG ĐOÀN KIỂM TRA",
    ]
    return lines


@transaction.atomic
def minutes_draw_up(*, actor: Any, inspection_id: int, ip: str = "") -> Record:
    """Write the biên bản as a PDF, store it as the office's record of the biên bản type and
    submit it to its chain (the inspector signs it on the record page)."""
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services import versions as records
    from hoso.records.services import workflow

    inspection = _locked(actor, inspection_id)
    if inspection.state != InspectionState.OPEN:
        raise Conflict(_("Biên bản của đợt kiểm tra này đã được lập."))
    if not inspection.findings.exists():
        raise DomainError(_("Hãy ghi kết luận cho ít nhất một nội dung trước khi lập biên bản."))
    code = "VP.SO.BBKT" if inspection.office.kind == UnitKind.SO else "VP.PHONG.BBKT"
    pdf = simple_pdf("BIÊN BẢN KIỂM TRA", minutes_lines(inspection, actor))
    version = records.record_upload(
        actor=actor,
        record_type=RecordType.objects.get(code=code),
        upload=records.Upload(io.BytesIO(pdf), "bien-ban-kiem-tra.pdf"),
        title=f"Biên bản kiểm tra {inspection.title} tại {inspection.school.name}"[:255],
        ip=ip,
    )
    workflow.record_submit(actor=actor, record_id=version.record_id, ip=ip)
    inspection.minutes_id = version.record_id
    inspection.state = InspectionState.MINUTES
    inspection.save(update_fields=["minutes", "state"])
    audit_log(
        "offices.inspection.minutes",
        actor=actor,
        obj=inspection,
        unit_id=inspection.school_id,
        ip=ip,
        data={"record": version.record_id},
    )
    return Record.objects.get(pk=version.record_id)


@transaction.atomic
def minutes_send(
    *, actor: Any, inspection_id: int, reply_due_at: dt.datetime | None, ip: str = ""
) -> Inspection:
    """Send the signed biên bản to the school, which answers by the date."""
    inspection = _locked(actor, inspection_id)
    if inspection.state != InspectionState.MINUTES or inspection.minutes_id is None:
        raise Conflict(_("Chưa lập biên bản, hoặc biên bản đã được gửi."))
    minutes = Record.objects.get(pk=inspection.minutes_id)
    if minutes.state != RecordState.ISSUED:
        raise Conflict(_("Biên bản chưa ký xong; hãy ký trên trang hồ sơ biên bản trước khi gửi."))
    directive = directive_issue(
        actor=actor,
        office=inspection.office,
        record_id=minutes.pk,
        title=minutes.title,
        audience="list",
        unit_ids=[inspection.school_id],
        reply_kind=ReplyKind.REPLY,
        reply_due_at=reply_due_at,
        ip=ip,
    )
    inspection.directive, inspection.state = directive, InspectionState.SENT
    inspection.save(update_fields=["directive", "state"])
    return inspection
