"""Writes on records' versions: upload (a new record or a new version), comments, the audit of
who viewed or downloaded a version's file.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.conversion import Kind, Limits, UnsafeFileError, check_upload
from hoso.conversion.kinds import ACCEPTED_HINT
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.core.scheduling import later
from hoso.core.text import clean_line, clean_multiline
from hoso.org.models import SchoolYear, Unit
from hoso.org.years import current_year
from hoso.policy import can
from hoso.policy.grants import OFFICE_ROLES, grants_for
from hoso.records.models import (
    Comment,
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
from hoso.records.selectors_applies import homeroom_classes, type_applies, type_in_force
from hoso.records.services import deadlines
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
        raise DomainError(
            _("Hãy nhập %(label)s.") % {"label": label},
            fields={field: [_("Hãy nhập %(label)s.") % {"label": label}]},
        )
    if len(text) > limit:
        message = _("%(label)s dài quá %(limit)s ký tự.") % {
            "label": label.capitalize(),
            "limit": limit,
        }
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
        if type_in_force(record_type, school):
            unit = school if record_type.keeper == Keeper.SCHOOL else units[grant.unit_id]
            return unit
    raise NotAllowed(
        _("Bạn không phải người lập loại hồ sơ “%(name)s” ở trường nào.")
        % {"name": record_type.name}
    )


def _office_unit(actor: Any, record_type: RecordType) -> Unit:
    """The Phòng or Sở where the person works and that keeps `record_type`."""
    offices = grants_for(actor).units(OFFICE_ROLES)
    for unit in Unit.objects.filter(pk__in=offices).order_by("path"):
        if type_applies(record_type, unit):
            return unit
    raise NotAllowed(
        _("Bạn không làm việc ở Phòng/Sở lập loại hồ sơ “%(name)s”.") % {"name": record_type.name}
    )


def _homeroom_class(actor: Any, record_type: RecordType, unit_id: int | None) -> Unit:
    """The class whose homeroom book this is: the one chosen, which must be one of the person's
    classes; without a choice their only class (a GVCN of several must choose)."""
    classes = homeroom_classes(actor, record_type)
    if not classes:
        raise NotAllowed(
            _("Bạn không chủ nhiệm lớp nào nên không lập “%(name)s”.") % {"name": record_type.name}
        )
    if unit_id is None:
        if len(classes) == 1:
            return classes[0]
        names = ", ".join(c.name for c in classes)
        message = _("Thầy/cô chủ nhiệm nhiều lớp (%(names)s): hãy chọn lớp cho sổ chủ nhiệm.") % {
            "names": names
        }
        raise DomainError(message, fields={"unit": [_("Hãy chọn lớp.")]})
    chosen = next((c for c in classes if c.pk == unit_id), None)
    if chosen is None:
        message = _("Bạn không chủ nhiệm lớp này nên không lập “%(name)s” cho lớp đó.") % {
            "name": record_type.name
        }
        raise NotAllowed(message, fields={"unit": [_("Không phải lớp bạn chủ nhiệm.")]})
    return chosen


# --- upload -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _spooled(upload: Upload, limit: int) -> Iterator[Path]:
    """The upload as a local file for the checks, refused early when obviously too large."""
    if upload.size is not None and upload.size > limit:
        raise UnsafeFileError(
            _(
                "Tệp quá lớn (%(size)s MB; tối đa %(limit)s MB). Hãy nén ảnh, quét ở 300 dpi hoặc "
                "tách thành nhiều tệp."
            )
            % {"size": _mb(upload.size), "limit": _mb(limit)},
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
    with _spooled(upload, max_upload_bytes()) as path:
        return file_checked_and_stored(record_type, path, upload.filename or "")


def file_checked_and_stored(record_type: RecordType, path: Path, filename: str) -> tuple[Any, Any]:
    """The file gate (real type, size, hostile content, the type's formats), then the store:
    (report, blob). Uploads and imports (services/imports.py) pass through it alike."""
    report = check_upload(path, filename, Limits(max_bytes=max_upload_bytes()))
    if record_type.formats and report.kind.value not in record_type.formats:
        raise UnsafeFileError(
            _("Loại hồ sơ “%(name)s” không nhận %(label)s. %(accepted_hint)s")
            % {
                "name": record_type.name,
                "label": report.kind.label,
                "accepted_hint": ACCEPTED_HINT,
            },
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
        raise NotAllowed(_("Bạn không được lập hồ sơ ở đơn vị này."))
    period_key = deadlines.resolve_period(record_type, year, period_key, owner=actor, unit=unit)
    title = clean_text(title, field="title", label=_("tiêu đề"), limit=MAX_TITLE, required=False)
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
        raise NotAllowed(_("Bạn không được lập hồ sơ ở đơn vị này."))
    period_key = deadlines.resolve_period(record_type, year, period_key, owner=actor, unit=unit)
    title = clean_text(title, field="title", label=_("tiêu đề"), limit=MAX_TITLE)
    report, blob = _checked_file(upload, record_type)
    return _store_version(actor, record_type, unit, year, period_key, title, report, blob, ip)


def version_upload(*, actor: Any, record_id: int, upload: Upload, ip: str = "") -> RecordVersion:
    """A new version of an existing record (after a return, or a correction of an issued one)."""
    record = Record.objects.select_related("record_type").get(pk=record_id)
    if not can(actor, "records.record.edit", record):
        raise NotAllowed(_("Chỉ người lập hồ sơ mới tải lên phiên bản mới."))
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
            _(
                "Hồ sơ đang trong quá trình duyệt, ký; chưa thể tải lên phiên bản mới. "
                "Hãy chờ kết quả hoặc đề nghị người duyệt trả lại."
            )
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
        raise DomainError(_("Chưa có năm học hiện tại; hãy báo quản trị hệ thống."))
    return year


# --- comments and who read what -----------------------------------------------------------


@transaction.atomic
def comment_add(*, actor: Any, version: RecordVersion, body: str, ip: str = "") -> Comment:
    if not can(actor, "records.record.view", version.record):
        raise NotAllowed(_("Bạn không có quyền góp ý hồ sơ này."))
    body = clean_text(body, field="comment", label=_("nội dung góp ý"), limit=MAX_COMMENT)
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
def version_file_audit(
    *, actor: Any, version: RecordVersion, what: str, sha256: str, inline: bool, ip: str = ""
) -> None:
    """A view (inline) or a download of a version's file (original | pdf | preview), audited in
    its own transaction before the file streams."""
    action = "records.version.viewed" if inline else "records.version.downloaded"
    audit_log(
        action,
        actor=actor,
        obj=version,
        unit_id=version.record.school_id,
        ip=ip,
        data={"what": what, "sha256": sha256},
    )
