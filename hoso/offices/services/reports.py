"""Reports up: an office asks the units below for a report by a deadline (a document, or an
Excel template whose cells are collected), each unit submits once (late is allowed and marked),
the office returns one with a comment, and recurring requests are issued again each term or
year. Same rules as every service: one transaction, an audit entry, Vietnamese refusals. The
downloads of the reports' files and of the summed workbook are audited here too."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.conversion import Limits, UnsafeFileError, check_upload
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.core.events import REPORT_SUBMITTED, emit
from hoso.offices import cells as xl
from hoso.offices.models import (
    Recurrence,
    ReportAssignment,
    ReportRequest,
    ReportState,
    TemplateKind,
)
from hoso.offices.services.directives import (
    MAX_TEXT,
    MAX_TITLE,
    clean,
    receivers,
    resolve_audience,
)
from hoso.org.models import Role, SchoolYear, Unit
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.models import Record, RecordState
from hoso.records.notify import notify
from hoso.storage import blob_store, max_upload_bytes

# Who may be asked to sign a unit's report, and who satisfies it (a principal outranks).
SIGNERS: dict[str, frozenset[str]] = {
    Role.HT: frozenset({Role.HT}),
    Role.PHT: frozenset({Role.PHT, Role.HT}),
    Role.TP: frozenset({Role.TP}),
}
TEMPLATE_KINDS = {TemplateKind.EXCEL: {"xlsx"}, TemplateKind.DOCUMENT: {"pdf", "docx", "odt"}}
TERM_KEYS = ("HK1", "HK2")


@dataclass(frozen=True)
class FileIn:
    """An uploaded file as the faces hand it over."""

    data: bytes
    filename: str


def _stored(upload: FileIn, kinds: set[str], field: str) -> tuple[str, str]:
    """Check the file (name, size, real type, hostile content), store it; (sha256, name)."""
    limit = max_upload_bytes()
    if len(upload.data) > limit:
        raise DomainError(_("Tệp quá lớn."), fields={field: [_("Tệp quá lớn.")]})
    fd, name = tempfile.mkstemp(prefix="hoso-report-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(upload.data)
        try:
            report = check_upload(Path(name), upload.filename or "", Limits(max_bytes=limit))
        except UnsafeFileError as error:
            raise DomainError(str(error), fields={field: [str(error)]}) from None
    finally:
        os.unlink(name)
    if report.kind.value not in kinds:
        message = _("Tệp phải là %(items)s; tệp đã chọn là %(label)s.") % {
            "items": ", ".join(sorted(kinds)),
            "label": report.kind.label,
        }
        raise DomainError(message, fields={field: [message]})
    blob = blob_store().put(io.BytesIO(upload.data))
    return blob.sha256, report.display_name


@transaction.atomic
def report_request_create(
    *,
    actor: Any,
    office: Unit,
    title: str,
    deadline: dt.datetime | None,
    template_kind: str,
    template: FileIn | None = None,
    cells: str = "",
    instructions: str = "",
    signer_role: str = "",
    audience: str,
    level: str = "",
    unit_ids: Iterable[int] = (),
    recurrence: str = Recurrence.ONCE,
    period_key: str = "",
    ip: str = "",
) -> ReportRequest:
    if not can(actor, "offices.office.act", office):
        raise NotAllowed(
            _("Bạn không làm việc ở đơn vị này nên không yêu cầu báo cáo thay đơn vị.")
        )
    title = clean(title, field="title", label=_("tên báo cáo"), limit=MAX_TITLE)
    instructions = clean(
        instructions, field="instructions", label=_("hướng dẫn"), limit=MAX_TEXT, required=False
    )
    if deadline is None:
        raise DomainError(_("Hãy ghi hạn nộp."), fields={"deadline": [_("Hãy ghi hạn nộp.")]})
    if deadline <= timezone.now():
        raise DomainError(_("Hạn nộp phải sau hôm nay."), fields={"deadline": [_("Hạn đã qua.")]})
    if template_kind not in TemplateKind.values:
        raise DomainError(
            _("Hãy chọn loại mẫu báo cáo."), fields={"template_kind": [_("Chưa chọn.")]}
        )
    if signer_role and signer_role not in SIGNERS:
        raise DomainError(_("Người ký không hợp lệ."), fields={"signer_role": [_("Không hợp lệ.")]})
    if recurrence not in Recurrence.values:
        raise DomainError(_("Chu kỳ không hợp lệ."), fields={"recurrence": [_("Không hợp lệ.")]})
    year = current_year()
    if year is None:
        raise Conflict(_("Chưa có năm học hiện tại."))
    sha, filename, collected = "", "", []
    if template_kind == TemplateKind.EXCEL and template is None:
        raise DomainError(_("Hãy chọn tệp Excel mẫu."), fields={"template": [_("Chưa có tệp.")]})
    if template is not None:
        sha, filename = _stored(template, TEMPLATE_KINDS[TemplateKind(template_kind)], "template")
        if template_kind == TemplateKind.EXCEL:
            collected = xl.parse_cells(
                cells, xl.open_book(template.data, values=False, field="template")
            )
    units = resolve_audience(office, audience, level=level, unit_ids=unit_ids)
    request = ReportRequest.objects.create(
        office=office,
        school_year=year,
        title=title,
        instructions=instructions,
        period_key=period_key or _period_of(recurrence, deadline, year),
        deadline=deadline,
        template_kind=template_kind,
        template_sha256=sha,
        template_filename=filename,
        cells=collected,
        signer_role=signer_role,
        audience=audience,
        audience_level=level,
        recurrence=recurrence,
        created_by=actor,
        created_at=timezone.now(),
    )
    _assign(request, units, actor, ip)
    return request


def _assign(request: ReportRequest, units: list[Unit], actor: Any, ip: str) -> None:
    ReportAssignment.objects.bulk_create(
        [ReportAssignment(request=request, unit=unit) for unit in units]
    )
    audit_log(
        "offices.report.requested",
        actor=actor,
        obj=request,
        unit_id=request.office_id,
        ip=ip,
        data={
            "units": len(units),
            "cells": len(request.cells),
            "deadline": request.deadline.isoformat(),
        },
    )
    notify(
        receivers(units, request.school_year),
        title=_("Yêu cầu báo cáo: %(title)s") % {"title": request.title},
        body=_("Hạn nộp %(deadline)s.")
        % {"deadline": timezone.localtime(request.deadline).strftime("%d/%m/%Y %H:%M")},
        url=reverse("offices:reports-due"),
    )


def _period_of(recurrence: str, deadline: dt.datetime, year: SchoolYear) -> str:
    if recurrence == Recurrence.TERM:
        return "HK1" if deadline.date() <= year.term1_end + dt.timedelta(days=45) else "HK2"
    return "CN" if recurrence == Recurrence.YEAR else ""


def _locked_assignment(actor: Any, assignment_id: int, action: str) -> ReportAssignment:
    row = (
        ReportAssignment.objects.select_for_update(of=("self",))
        .select_related("request", "unit", "request__office")
        .filter(pk=assignment_id)
        .first()
    )
    if row is None or not can(actor, "offices.assignment.view", row):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, action, row):
        raise NotAllowed(_("Bạn không có quyền thực hiện việc này với báo cáo của đơn vị."))
    return row


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    assignment_id: int,
    upload: FileIn | None = None,
    record_id: int | None = None,
    ip: str = "",
) -> ReportAssignment:
    """Send the unit's report: the filled Excel copy (its cells checked and read) and/or the
    signed document (an issued record of the unit), once; again only after a return."""
    row = _locked_assignment(actor, assignment_id, "offices.assignment.submit")
    request = row.request
    if row.state == ReportState.SUBMITTED:
        at = (
            timezone.localtime(row.submitted_at).strftime("%d/%m/%Y %H:%M")
            if row.submitted_at
            else ""
        )
        raise Conflict(
            _("Đơn vị đã nộp báo cáo này lúc %(at)s; chỉ nộp lại được khi %(name)s trả lại.")
            % {"at": at, "name": request.office.name}
        )
    record = _signed_record(actor, row, record_id)
    figures: dict[str, float] = {}
    sha, filename = "", ""
    if request.template_kind == TemplateKind.EXCEL:
        if upload is None:
            raise DomainError(
                _("Hãy chọn tệp Excel đã điền."), fields={"file": [_("Chưa có tệp.")]}
            )
        figures = xl.read_figures(upload.data, list(request.cells))
        sha, filename = _stored(upload, {"xlsx"}, "file")
    elif upload is not None:
        sha, filename = _stored(upload, {"pdf", "docx", "odt", "xlsx"}, "file")
    if request.template_kind == TemplateKind.DOCUMENT and upload is None and record is None:
        raise DomainError(
            _("Hãy gửi kèm báo cáo (tệp hoặc hồ sơ đã ký)."), fields={"file": [_("Chưa có.")]}
        )
    now = timezone.now()
    row.state, row.submitted_at, row.submitted_by = ReportState.SUBMITTED, now, actor
    row.late = now > request.deadline
    row.figures, row.file_sha256, row.filename, row.record = figures, sha, filename, record
    row.save(
        update_fields=[
            "state",
            "submitted_at",
            "submitted_by",
            "late",
            "figures",
            "file_sha256",
            "filename",
            "record",
        ]
    )
    audit_log(
        "offices.report.submitted",
        actor=actor,
        obj=request,
        unit_id=row.unit_id,
        ip=ip,
        data={
            "assignment": row.pk,
            "late": row.late,
            "sha256": sha,
            "record": record.pk if record else None,
        },
    )
    emit(REPORT_SUBMITTED, unit_id=row.unit_id, data=_submitted_event_data(row))
    notify(
        [request.created_by_id],
        title=(
            _("%(unit)s đã nộp báo cáo (trễ hạn): %(title)s")
            if row.late
            else _("%(unit)s đã nộp báo cáo: %(title)s")
        )
        % {"unit": row.unit.name, "title": request.title},
        url=reverse("offices:report", args=[request.pk]),
    )
    return row


def _submitted_event_data(row: ReportAssignment) -> dict[str, Any]:
    """What a webhook learns of a submitted report: ids and labels, not the figures."""
    return {
        "report": row.request_id,
        "assignment": row.pk,
        "title": row.request.title,
        "office": row.request.office_id,
        "late": row.late,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
    }


def _signed_record(actor: Any, row: ReportAssignment, record_id: int | None) -> Record | None:
    """The unit's issued record sent as its signed report; required when a signer is asked."""
    role = row.request.signer_role
    if record_id is None:
        if role:
            label = Role(role).label.lower()
            message = _(
                "Báo cáo phải có chữ ký số của %(label)s: hãy chọn hồ sơ báo cáo đã ký."
            ) % {"label": label}
            raise DomainError(message, fields={"record": [message]})
        return None
    record = Record.objects.filter(pk=record_id, school_id=row.unit_id).first()
    if record is None or not can(actor, "records.record.view", record):
        raise NotFound(
            _("Không tìm thấy hồ sơ của đơn vị."), fields={"record": [NOT_FOUND_MESSAGE]}
        )
    if record.state not in (RecordState.ISSUED, RecordState.ARCHIVED):
        raise Conflict(
            _("Hồ sơ báo cáo chưa ký, ban hành xong."), fields={"record": [_("Chưa ban hành.")]}
        )
    if role:
        from hoso.signing.models import SignatureRecord

        signed = SignatureRecord.objects.filter(
            version__record=record, version__issued_at__isnull=False, role__in=SIGNERS[role]
        )
        if not signed.exists():
            label = Role(role).label.lower()
            message = _("Hồ sơ đã chọn không có chữ ký số của %(label)s.") % {"label": label}
            raise DomainError(message, fields={"record": [message]})
    return record


@transaction.atomic
def report_return(
    *, actor: Any, assignment_id: int, comment: str, ip: str = ""
) -> ReportAssignment:
    row = _locked_assignment(actor, assignment_id, "offices.assignment.return")
    comment = clean(comment, field="comment", label=_("lý do trả lại"), limit=MAX_TEXT)
    if row.state != ReportState.SUBMITTED:
        raise Conflict(_("Chỉ trả lại được báo cáo đơn vị đã nộp."))
    now = timezone.now()
    row.state, row.returned_at, row.returned_by, row.return_comment = (
        ReportState.RETURNED,
        now,
        actor,
        comment,
    )
    row.save(update_fields=["state", "returned_at", "returned_by", "return_comment"])
    audit_log(
        "offices.report.returned",
        actor=actor,
        obj=row.request,
        unit_id=row.unit_id,
        ip=ip,
        data={"assignment": row.pk},
    )
    notify(
        receivers([row.unit], row.request.school_year),
        title=_("Báo cáo bị trả lại: %(title)s") % {"title": row.request.title},
        body=_("Lý do: %(comment)s") % {"comment": comment},
        url=reverse("offices:report-unit", args=[row.pk]),
    )
    return row


# --- downloads ---------------------------------------------------------------------------------


@transaction.atomic
def report_summed(*, actor: Any, report: ReportRequest, units: int, ip: str = "") -> None:
    """The office downloaded the workbook summing the figures of `units` submitted reports."""
    audit_log(
        "offices.report.summed",
        actor=actor,
        obj=report,
        unit_id=report.office_id,
        ip=ip,
        data={"units": units},
    )


@transaction.atomic
def report_template_downloaded(
    *, actor: Any, report: ReportRequest, assignment: ReportAssignment | None = None, ip: str = ""
) -> None:
    """The request's template was downloaded: by the office, or through a unit's assignment."""
    audit_log(
        "offices.report.template_downloaded",
        actor=actor,
        obj=report,
        unit_id=assignment.unit_id if assignment else report.office_id,
        ip=ip,
        data={"assignment": assignment.pk} if assignment else {},
    )


@transaction.atomic
def report_file_downloaded(*, actor: Any, assignment: ReportAssignment, ip: str = "") -> None:
    """The file a unit submitted was downloaded."""
    audit_log(
        "offices.report.file_downloaded",
        actor=actor,
        obj=assignment.request,
        unit_id=assignment.unit_id,
        ip=ip,
        data={"assignment": assignment.pk},
    )


# --- recurring requests --------------------------------------------------------------------------


def _units_again(request: ReportRequest) -> list[Unit]:
    """All units or one level: as the tree is now (a new school is asked too); a list: the
    same units as before."""
    if request.audience == "list":
        return list(Unit.objects.filter(pk__in=request.units.values("unit_id")).order_by("path"))
    return resolve_audience(request.office, request.audience, level=request.audience_level)


def _anchor(year: SchoolYear, key: str) -> dt.date:
    return year.term1_end if key == "HK1" else year.end_date


def next_occurrence(request: ReportRequest) -> tuple[SchoolYear, str, dt.datetime] | None:
    """(school year, period, deadline) of the request's next issue: HK1 → HK2 of the same
    year, HK2 → HK1 of the next, a yearly one → the next year; the deadline keeps its distance
    from the end of the term or year. None while the next school year does not exist."""
    year, key = request.school_year, request.period_key
    if request.recurrence == Recurrence.TERM and key == "HK1":
        target_year, target_key = year, "HK2"
    else:
        following = SchoolYear.objects.filter(start_date__gt=year.start_date).order_by("start_date")
        target_year = following.first()  # type: ignore[assignment]
        if target_year is None:
            return None
        target_key = "HK1" if request.recurrence == Recurrence.TERM else key
    offset = timezone.localtime(request.deadline).date() - _anchor(year, key)
    day = _anchor(target_year, target_key) + offset
    local = timezone.localtime(request.deadline)
    deadline = timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))
    return target_year, target_key, deadline


@transaction.atomic
def reports_schedule_next(*, now: dt.datetime | None = None) -> int:
    """Issue the next request of each recurring series whose current deadline has passed
    (idempotent: a request has at most one next). Returns how many were issued."""
    now = now or timezone.now()
    # of=self: "next" is a reverse one-to-one (an outer join PostgreSQL cannot lock).
    due = ReportRequest.objects.select_for_update(of=("self",)).filter(
        recurrence__in=(Recurrence.TERM, Recurrence.YEAR), deadline__lte=now, next__isnull=True
    )
    issued = 0
    for request in due.select_related("school_year", "office"):
        found = next_occurrence(request)
        if found is None:
            continue
        year, key, deadline = found
        units = _units_again(request)
        following = ReportRequest.objects.create(
            office=request.office,
            school_year=year,
            title=request.title,
            instructions=request.instructions,
            period_key=key,
            deadline=deadline,
            template_kind=request.template_kind,
            template_sha256=request.template_sha256,
            template_filename=request.template_filename,
            cells=request.cells,
            signer_role=request.signer_role,
            audience=request.audience,
            audience_level=request.audience_level,
            recurrence=request.recurrence,
            previous=request,
            created_by=request.created_by,
            created_at=now,
        )
        _assign(following, units, request.created_by, "")
        issued += 1
    return issued
