"""Records brought in from outside HoSo (a school's Drive or OneDrive folders): each file
becomes one record of its own, already in the archive, with the file kept byte for byte.

Such a file was made and, where it was, signed and issued before HoSo knew it: it is not sent
through a signing chain again. It enters as an issued version of an archived record (so it
never changes, as every issued version), owned by the person it belongs to, in the school year
and period it was for; the history says who brought it in and from where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NotAllowed
from hoso.org.models import SchoolYear, Unit
from hoso.policy import can
from hoso.records.models import (
    EventKind,
    Record,
    RecordEvent,
    RecordState,
    RecordType,
    RecordVersion,
)
from hoso.records.services.versions import (
    MAX_TITLE,
    _after_commit_render,
    clean_text,
    file_checked_and_stored,
)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the file gate and is in the blob store, ready to become a record."""

    report: Any
    blob: Any


def import_file_check(*, record_type: RecordType, path: Path, filename: str) -> CheckedFile:
    """The file gate and the store, as for an upload; no database work, so an import may
    check and store several files at once while their records are written one after the
    other."""
    return CheckedFile(*file_checked_and_stored(record_type, path, filename))


def record_import(
    *,
    actor: Any,
    owner: Any,
    record_type: RecordType,
    unit: Unit,
    school_year: SchoolYear,
    period_key: str,
    title: str,
    file: CheckedFile,
    source: str,
    ip: str = "",
) -> RecordVersion:
    """`file` (from import_file_check) as a new archived record of `unit`'s school. `source`
    says where it came from (its path in the uploaded folder), for the history and the audit."""
    school_id = unit.school_id or unit.pk
    if not can(actor, "records.record.archive", Record(school_id=school_id)):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được nhập hồ sơ vào lưu trữ."))
    title = clean_text(title, field="title", label=_("tiêu đề"), limit=MAX_TITLE)
    return _store(
        actor,
        owner,
        record_type,
        unit,
        school_year,
        period_key,
        title,
        file.report,
        file.blob,
        source,
        ip,
    )


@transaction.atomic
def _store(
    actor: Any,
    owner: Any,
    record_type: RecordType,
    unit: Unit,
    school_year: SchoolYear,
    period_key: str,
    title: str,
    report: Any,
    blob: Any,
    source: str,
    ip: str,
) -> RecordVersion:
    now = timezone.now()
    record = Record.objects.create(
        record_type=record_type,
        unit=unit,
        school_id=unit.school_id or unit.pk,
        school_year=school_year,
        owner=owner,
        title=title,
        period_key=period_key,
        state=RecordState.ARCHIVED,
        version_count=1,
    )
    version = RecordVersion.objects.create(
        record=record,
        number=1,
        original_sha256=blob.sha256,
        size=blob.size,
        filename=report.display_name,
        kind=report.kind.value,
        page_count=report.page_count,
        has_signatures=report.has_signatures,
        uploaded_by=actor,
        uploaded_at=now,
        pdf_sha256=blob.sha256 if report.kind.value == "pdf" else "",
        issued_at=now,
    )
    note = _("Nhập từ thư mục: %(source)s") % {"source": source}
    RecordEvent.objects.bulk_create(
        [
            RecordEvent(
                record=record, version=version, kind=kind, actor=actor, at=now, note=note[:255]
            )
            for kind in (EventKind.UPLOADED, EventKind.ARCHIVED)
        ]
    )
    audit_log(
        "records.record.imported",
        actor=actor,
        obj=version,
        unit_id=record.school_id,
        ip=ip,
        data={
            "record": record.pk,
            "sha256": blob.sha256,
            "size": blob.size,
            "kind": version.kind,
            "type": record_type.code,
            "owner": owner.pk,
            "year": school_year.name,
            "period": period_key,
            "source": source[:300],
        },
    )
    _after_commit_render(version.pk)
    return version
