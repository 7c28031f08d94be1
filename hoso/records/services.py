"""Writes on records: upload (a new record or a new version), comments, unit-added types.

Every upload passes the file layer's gate (name, size, real type, hostile content) before
anything is written; the blob goes into the write-once store, then one short transaction
creates the rows, the history event and the audit entry."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.conversion import Kind, Limits, UnsafeFileError, check_upload
from hoso.conversion.kinds import ACCEPTED_HINT
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.core.scheduling import later
from hoso.core.text import clean_line, clean_multiline
from hoso.org.models import SchoolYear, Unit
from hoso.policy import can
from hoso.policy.grants import OFFICE_ROLES, current_year, grants_for
from hoso.records import chains, deadlines
from hoso.records.guards import deletion_refusal
from hoso.records.models import (
    ChainSetting,
    Comment,
    Delegation,
    EventKind,
    Keeper,
    Record,
    RecordEvent,
    RecordState,
    RecordType,
    RecordVersion,
    RenditionStatus,
)
from hoso.records.policies import KEEPER_ROLES
from hoso.records.selectors import homeroom_classes, type_applies
from hoso.storage import blob_store, max_upload_bytes

MAX_TITLE = 255
MAX_COMMENT = 5000
# A new version may be uploaded while nobody is looking at the record.
UPLOADABLE = {RecordState.DRAFT, RecordState.RETURNED, RecordState.ISSUED}


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the faces hand it over: a readable stream and the client's name."""

    stream: IO[bytes]
    filename: str
    size: int | None = None


def clean_text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = clean_line(value) if field == "title" else clean_multiline(value)
    if required and not text:
        raise DomainError(f"Hãy nhập {label}.", fields={field: [f"Hãy nhập {label}."]})
    if len(text) > limit:
        message = f"{label.capitalize()} dài quá {limit} ký tự."
        raise DomainError(message, fields={field: [message]})
    return text


# --- where a record lives -------------------------------------------------------------------


def record_unit_for(actor: Any, record_type: RecordType, unit_id: int | None = None) -> Unit:
    """The unit a new record of `record_type` belongs to: the teacher's group, the group the
    leader leads, the school, or — for a homeroom book — the class `unit_id` the person is GVCN
    of (their only class when `unit_id` is None). Refused when the person does not keep this
    type; `unit_id` is ignored for the other keepers (their unit follows from the roles)."""
    if record_type.keeper == Keeper.HOMEROOM:
        return _homeroom_class(actor, record_type, unit_id)
    if record_type.keeper == Keeper.OFFICE:
        return _office_unit(actor, record_type)
    roles = KEEPER_ROLES[record_type.keeper]
    grants = [g for g in grants_for(actor).items if g.role in roles and g.school_id]
    units = Unit.objects.in_bulk([g.unit_id for g in grants] + [g.school_id for g in grants])
    for grant in sorted(grants, key=lambda g: g.unit_path):
        school = units[grant.school_id]  # type: ignore[index]
        if type_applies(record_type, school):
            unit = school if record_type.keeper == Keeper.SCHOOL else units[grant.unit_id]
            return unit
    raise NotAllowed(f"Bạn không phải người lập loại hồ sơ “{record_type.name}” ở trường nào.")


def _office_unit(actor: Any, record_type: RecordType) -> Unit:
    """The Phòng or Sở where the person works and that keeps `record_type`."""
    offices = grants_for(actor).units(OFFICE_ROLES)
    for unit in Unit.objects.filter(pk__in=offices).order_by("path"):
        if type_applies(record_type, unit):
            return unit
    raise NotAllowed(f"Bạn không làm việc ở Phòng/Sở lập loại hồ sơ “{record_type.name}”.")


def _homeroom_class(actor: Any, record_type: RecordType, unit_id: int | None) -> Unit:
    """The class whose homeroom book this is: the one chosen, which must be one of the person's
    classes; without a choice their only class (a GVCN of several must choose)."""
    classes = homeroom_classes(actor, record_type)
    if not classes:
        raise NotAllowed(f"Bạn không chủ nhiệm lớp nào nên không lập “{record_type.name}”.")
    if unit_id is None:
        if len(classes) == 1:
            return classes[0]
        names = ", ".join(c.name for c in classes)
        message = f"Thầy/cô chủ nhiệm nhiều lớp ({names}): hãy chọn lớp cho sổ chủ nhiệm."
        raise DomainError(message, fields={"unit": ["Hãy chọn lớp."]})
    chosen = next((c for c in classes if c.pk == unit_id), None)
    if chosen is None:
        message = f"Bạn không chủ nhiệm lớp này nên không lập “{record_type.name}” cho lớp đó."
        raise NotAllowed(message, fields={"unit": ["Không phải lớp bạn chủ nhiệm."]})
    return chosen


# --- upload -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _spooled(upload: Upload, limit: int) -> Iterator[Path]:
    """The upload as a local file for the checks, refused early when obviously too large."""
    if upload.size is not None and upload.size > limit:
        raise UnsafeFileError(
            f"Tệp quá lớn ({_mb(upload.size)} MB; tối đa {_mb(limit)} MB). "
            "Hãy nén ảnh, quét ở 300 dpi hoặc tách thành nhiều tệp.",
            code="file.too_large",
        )
    fd, name = tempfile.mkstemp(prefix="hoso-upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            written = 0
            while chunk := upload.stream.read(1024 * 1024):
                written += len(chunk)
                out.write(chunk)
                if written > limit:
                    break  # check_upload reports the size; no need to read the rest
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".replace(".", ",").removesuffix(",0")


def _checked_file(upload: Upload, record_type: RecordType) -> tuple[Any, Any]:
    limit = max_upload_bytes()
    with _spooled(upload, limit) as path:
        report = check_upload(path, upload.filename or "", Limits(max_bytes=limit))
        if record_type.formats and report.kind.value not in record_type.formats:
            raise UnsafeFileError(
                f"Loại hồ sơ “{record_type.name}” không nhận {report.kind.label}. {ACCEPTED_HINT}",
                code="file.kind_not_accepted",
            )
        with open(path, "rb") as stream:
            blob = blob_store().put(stream)
    return report, blob


def record_upload(
    *,
    actor: Any,
    record_type: RecordType,
    upload: Upload,
    title: str = "",
    period_key: str = "",
    unit_id: int | None = None,
    ip: str = "",
) -> RecordVersion:
    """Upload a file as a record of `record_type` for the period: the record is created, or
    the file becomes its next version. `unit_id` chooses the class of a homeroom book."""
    year = _year()
    unit = record_unit_for(actor, record_type, unit_id)
    if not can(actor, "records.record.create", unit):
        raise NotAllowed("Bạn không được lập hồ sơ ở đơn vị này.")
    period_key = deadlines.resolve_period(record_type, year, period_key, owner=actor, unit=unit)
    title = clean_text(title, field="title", label="tiêu đề", limit=MAX_TITLE, required=False)
    if not title:
        title = deadlines.default_title(record_type, year, period_key)
        if record_type.keeper == Keeper.HOMEROOM:
            title = f"{title} — {unit.name}"  # the books of a GVCN's two classes differ by name
    report, blob = _checked_file(upload, record_type)
    return _store_version(actor, record_type, unit, year, period_key, title, report, blob, ip)


def record_generated(
    *,
    actor: Any,
    record_type: RecordType,
    unit: Unit,
    upload: Upload,
    title: str,
    period_key: str = "",
    ip: str = "",
) -> RecordVersion:
    """A file HoSo itself produced (an official book, hoso.books) kept as a record of `unit` —
    the school, or one class for a class's book — through the same file gate, store, history
    and audit as an upload; no person downloads and uploads it again."""
    year = _year()
    if not can(actor, "records.record.create", unit):
        raise NotAllowed("Bạn không được lập hồ sơ ở đơn vị này.")
    period_key = deadlines.resolve_period(record_type, year, period_key, owner=actor, unit=unit)
    title = clean_text(title, field="title", label="tiêu đề", limit=MAX_TITLE)
    report, blob = _checked_file(upload, record_type)
    return _store_version(actor, record_type, unit, year, period_key, title, report, blob, ip)


def version_upload(*, actor: Any, record_id: int, upload: Upload, ip: str = "") -> RecordVersion:
    """A new version of an existing record (after a return, or a correction of an issued one)."""
    record = Record.objects.select_related("record_type").get(pk=record_id)
    if not can(actor, "records.record.edit", record):
        raise NotAllowed("Chỉ người lập hồ sơ mới tải lên phiên bản mới.")
    report, blob = _checked_file(upload, record.record_type)
    return _add_version(actor, record.pk, report, blob, ip)


@transaction.atomic
def _store_version(
    actor: Any,
    record_type: RecordType,
    unit: Unit,
    year: SchoolYear,
    period_key: str,
    title: str,
    report: Any,
    blob: Any,
    ip: str,
) -> RecordVersion:
    record = Record.objects.filter(
        record_type=record_type, unit=unit, owner=actor, school_year=year, period_key=period_key
    ).first()
    if record_type.due_rule.get("each_upload"):
        record = None  # letters, decisions, reports sent up: each upload is its own document
    created = record is None
    if record is None:
        record = Record.objects.create(
            record_type=record_type,
            unit=unit,
            school_id=unit.school_id or unit.pk,
            school_year=year,
            owner=actor,
            title=title,
            period_key=period_key,
        )
    # One audit entry says both: the record's creation rides on its first version's upload
    # (the audit head is a lock every upload queues for; fewer entries, shorter waits).
    extra = {"record_created": record.pk, "type": record_type.code, "period": period_key}
    return _add_version(actor, record.pk, report, blob, ip, extra if created else None)


@transaction.atomic
def _add_version(
    actor: Any,
    record_id: int,
    report: Any,
    blob: Any,
    ip: str,
    extra: dict[str, Any] | None = None,
) -> RecordVersion:
    record = Record.objects.select_for_update().get(pk=record_id)
    if record.state not in UPLOADABLE:
        raise Conflict(
            "Hồ sơ đang trong quá trình duyệt, ký; chưa thể tải lên phiên bản mới. "
            "Hãy chờ kết quả hoặc đề nghị người duyệt trả lại."
        )
    now = timezone.now()
    version = RecordVersion.objects.create(
        record=record,
        number=record.version_count + 1,
        original_sha256=blob.sha256,
        size=blob.size,
        filename=report.display_name,
        kind=report.kind.value,
        page_count=report.page_count,
        has_signatures=report.has_signatures,
        uploaded_by=actor,
        uploaded_at=now,
        pdf_sha256=blob.sha256 if report.kind is Kind.PDF else "",
        rendition_status=RenditionStatus.PENDING,
    )
    record.version_count = version.number
    if record.state == RecordState.ISSUED:
        record.state = RecordState.DRAFT  # a correction: the issued version stays as it was
    record.save(update_fields=["version_count", "state", "updated_at"])
    RecordEvent.objects.create(
        record=record, version=version, kind=EventKind.UPLOADED, actor=actor, at=now
    )
    audit_log(
        "records.version.uploaded",
        actor=actor,
        obj=version,
        unit_id=record.school_id,
        ip=ip,
        data={
            "sha256": blob.sha256,
            "size": blob.size,
            "kind": version.kind,
            "n": version.number,
            "record": record.pk,
            **(extra or {}),
        },
    )
    _after_commit_render(version.pk)
    return version


def _after_commit_render(version_id: int) -> None:
    from hoso.records.tasks import render_version

    later(render_version, version_id)


def _year() -> SchoolYear:
    year = current_year()
    if year is None:
        raise DomainError("Chưa có năm học hiện tại; hãy báo quản trị hệ thống.")
    return year


# --- deletion ---------------------------------------------------------------------------------

# What a person calls the rows that may still point at a record (PROTECT foreign keys).
REFERRER_LABELS: dict[str, str] = {
    "records.RecordVersion": "phiên bản hồ sơ",
    "records.Workflow": "lượt trình duyệt",
    "retention.ProposalItem": "đề nghị tiêu hủy",
    "retention.DestroyedRecord": "bản lưu thông tin hồ sơ đã tiêu hủy",
    "retention.DestructionProposal": "đề nghị tiêu hủy (biên bản)",
}


@transaction.atomic
def record_delete(*, actor: Any, record_id: int, ip: str = "") -> None:
    """Delete a record — in this order of refusals: not allowed (403), a registered guard such
    as the retention period (409), rows that still refer to it (409). Nothing is deleted unless
    everything can be."""
    record = (
        Record.objects.select_for_update(of=("self",))
        .select_related("record_type", "school_year")
        .filter(pk=record_id)
        .first()
    )
    if record is None or not can(actor, "records.record.view", record):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "records.record.delete", record):
        raise NotAllowed(_delete_refusal(actor, record))
    refusal = deletion_refusal(record)
    if refusal:
        raise Conflict(refusal)
    pk = record.pk
    # Written first to name the record while it exists; a refusal below rolls it back.
    audit_log(
        "records.record.deleted",
        actor=actor,
        obj=record,
        unit_id=record.school_id,
        ip=ip,
        data={"record": pk, "title": record.title, "type": record.record_type.code},
    )
    try:
        # A savepoint: a refusal met while deleting rolls back only this, and the caller's
        # transaction stays usable (on PostgreSQL too).
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError) as error:
        raise Conflict(_still_referred(error)) from None
    _after_commit_unindex(pk)


def _delete_refusal(actor: Any, record: Record) -> str:
    if record.owner_id == actor.pk:  # their own record, already submitted
        return (
            "Hồ sơ đã trình duyệt nên người lập không tự xóa được; chỉ hiệu trưởng hoặc văn thư "
            "của trường được xóa."
        )
    return OTHERS_MAY_NOT_DELETE


OTHERS_MAY_NOT_DELETE = (
    "Chỉ người lập hồ sơ (khi chưa trình duyệt), hiệu trưởng hoặc văn thư của trường được xóa"
    " hồ sơ."
)


def _still_referred(error: ProtectedError | RestrictedError) -> str:
    """What still points at the record, e.g. "… bởi phiên bản hồ sơ (2), lượt trình duyệt (1)"."""
    if isinstance(error, ProtectedError):
        rows = error.protected_objects
    else:
        rows = error.restricted_objects
    counts: dict[str, int] = {}
    for row in rows or ():
        meta = row._meta
        label = REFERRER_LABELS.get(meta.label) or str(meta.verbose_name)
        counts[label] = counts.get(label, 0) + 1
    known = list(REFERRER_LABELS.values())
    order = sorted(counts, key=lambda label: (known.index(label) if label in known else 99, label))
    what = ", ".join(f"{label} ({counts[label]})" for label in order)
    return f"Không thể xóa hồ sơ: hồ sơ đang được tham chiếu bởi {what}."


def _after_commit_unindex(record_id: int) -> None:
    from hoso.records.tasks import index_record

    later(index_record, record_id)  # indexing a record that is gone removes it


# --- comments and unit-added types ----------------------------------------------------------


@transaction.atomic
def comment_add(*, actor: Any, version: RecordVersion, body: str, ip: str = "") -> Comment:
    if not can(actor, "records.record.view", version.record):
        raise NotAllowed("Bạn không có quyền góp ý hồ sơ này.")
    body = clean_text(body, field="comment", label="nội dung góp ý", limit=MAX_COMMENT)
    now = timezone.now()
    comment = Comment.objects.create(version=version, author=actor, body=body, created_at=now)
    RecordEvent.objects.create(
        record=version.record, version=version, kind=EventKind.COMMENTED, actor=actor, at=now
    )
    audit_log(
        "records.comment.added",
        actor=actor,
        obj=version,
        unit_id=version.record.school_id,
        ip=ip,
        data={"comment_id": comment.pk},
    )
    return comment


@transaction.atomic
def record_type_create(
    *, actor: Any, unit: Unit, code: str, name: str, **fields: Any
) -> RecordType:
    """A type added by a Sở, Phòng or school: it applies below `unit` and is optional
    (Chỉ thị 138: nothing beyond the Điều lệ may be required)."""
    if not can(actor, "records.type.manage", unit):
        raise NotAllowed("Bạn không được thêm loại hồ sơ cho đơn vị này.")
    code = f"{unit.code}.{clean_text(code, field='code', label='mã', limit=20)}"
    if RecordType.objects.filter(code=code).exists():
        raise Conflict("Mã loại hồ sơ này đã có.")
    record_type = RecordType.objects.create(
        code=code,
        name=clean_text(name, field="name", label="tên loại hồ sơ", limit=255),
        owner_unit=unit,
        optional=True,
        legal_source=f"Do {unit.name} bổ sung",
        **fields,
    )
    audit_log("records.type.created", actor=actor, obj=record_type, unit_id=unit.pk)
    return record_type


# --- signing chains set by the Sở (and the units it allows) --------------------------------------


@transaction.atomic
def chain_setting_save(
    *,
    actor: Any,
    unit: Unit,
    record_type: RecordType,
    chain: Any,
    delegate_to: str = "",
    ip: str = "",
) -> ChainSetting:
    """Set the chain of `record_type` for `unit` and every unit below it; records already
    submitted keep the chain they started with."""
    _check_chain_setter(actor, unit, record_type)
    steps = chains.clean_chain(chain, record_type=record_type, unit=unit)
    if delegate_to not in Delegation.values or (delegate_to and unit.kind == "TRUONG"):
        message = "Mức cho phép cấp dưới không hợp lệ."
        raise DomainError(message, fields={"delegate_to": [message]})
    setting = ChainSetting.objects.select_for_update().filter(unit=unit, record_type=record_type)
    current = setting.first()
    before = current.chain if current else chains.chain_above(record_type, unit).chain
    current = current or ChainSetting(unit=unit, record_type=record_type)
    current.chain, current.delegate_to = steps, delegate_to
    current.updated_by, current.updated_at = actor, timezone.now()
    current.save()
    data = {"before": before, "chain": steps, "delegate_to": delegate_to, "setting": current.pk}
    # Logged on the type, at the unit: the page's history is one indexed query.
    audit_log("records.chain.set", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data)
    return current


@transaction.atomic
def chain_setting_reset(*, actor: Any, unit: Unit, record_type: RecordType, ip: str = "") -> None:
    """Drop the unit's own chain: what the unit above sets (or the catalogue) applies again."""
    _check_chain_setter(actor, unit, record_type)
    current = ChainSetting.objects.select_for_update().filter(unit=unit, record_type=record_type)
    setting = current.first()
    if setting is None:
        raise Conflict("Đơn vị chưa đặt chuỗi riêng cho loại hồ sơ này.")
    data = {"before": setting.chain, "setting": setting.pk}
    setting.delete()
    audit_log(
        "records.chain.reset", actor=actor, obj=record_type, unit_id=unit.pk, ip=ip, data=data
    )


def _check_chain_setter(actor: Any, unit: Unit, record_type: RecordType) -> None:
    if not can(actor, "records.chain.set", unit):
        raise NotAllowed("Bạn không được thiết lập chuỗi ký cho đơn vị này.")
    if not chains.may_set_at(record_type, unit):
        raise NotAllowed(
            "Đơn vị cấp trên chưa cho phép đơn vị này đặt chuỗi ký riêng cho loại hồ sơ này."
        )
