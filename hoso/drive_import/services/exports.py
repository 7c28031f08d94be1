"""A school year of a school, the other way: one zip with each issued record's PDF (its latest
signed copy, archive time-stamps included, else its PDF), manifest.csv (one row per record, the
same facts) and the NĐ 30/2020 Phụ lục VI XML of each record. Built in the background into a
temporary file, streamed entry by entry, then streamed into the blob store."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NotAllowed
from hoso.core.scheduling import later
from hoso.drive_import.models import ExportStatus, YearExport
from hoso.drive_import.phuluc6 import Facts, to_xml
from hoso.drive_import.policies import MANAGE
from hoso.org.models import SchoolYear, Unit
from hoso.policy import can
from hoso.records.models import Record, RecordVersion
from hoso.records.periods import period_label
from hoso.records.policies import PUBLISHED
from hoso.records.services.archive import current_signed_sha256
from hoso.storage import blob_store

CHUNK = 1024 * 1024
MANIFEST_COLUMNS = [
    "ma_ho_so",
    "tep_pdf",
    "tep_xml",
    "tieu_de",
    "ma_loai",
    "loai_ho_so",
    "nguoi_lap",
    "nam_hoc",
    "ky",
    "trang_thai",
    "ngay_ban_hanh",
    "so_trang",
    "chu_ky_so",
    "sha256",
    "kich_thuoc",
]


@transaction.atomic
def export_request(
    *, actor: Any, school: Unit, school_year: SchoolYear, ip: str = ""
) -> YearExport:
    if not can(actor, MANAGE, school):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được xuất hồ sơ năm học."))
    export = YearExport.objects.create(
        school=school,
        school_year=school_year,
        created_by=actor,
        created_at=timezone.now(),
        status=ExportStatus.QUEUED,
        total=_records(school, school_year).count(),
    )
    audit_log(
        "drive_import.export.requested",
        actor=actor,
        obj=export,
        unit_id=school.pk,
        ip=ip,
        data={"year": school_year.name, "records": export.total},
    )
    from hoso.drive_import.tasks import run_export

    later(run_export, export.pk)
    return export


def _records(school: Unit, year: SchoolYear) -> Any:
    return Record.objects.filter(school=school, school_year=year, state__in=PUBLISHED)


def export_run(*, export_id: int) -> None:
    """Build the zip (the background task); idempotent: a finished export is left alone."""
    export = YearExport.objects.select_related("school", "school_year").get(pk=export_id)
    if export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return
    records = list(
        _records(export.school, export.school_year)
        .select_related("record_type", "owner")
        .order_by("record_type__code", "pk")
    )
    YearExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, total=len(records), done=0, failed=0
    )
    fd, name = tempfile.mkstemp(prefix="hoso-export-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(name, "w", allowZip64=True) as out:
            rows = [_write_record(export, out, record) for record in records]
            _write_manifest(out, [r for r in rows if r is not None])
        with open(name, "rb") as stream:
            blob = blob_store().put(stream)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    YearExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, result_sha256=blob.sha256, result_size=blob.size
    )


def _version(record: Record) -> RecordVersion | None:
    return (
        RecordVersion.objects.filter(record=record, issued_at__isnull=False)
        .order_by("-number")
        .first()
    )


def _slug(text: str) -> str:
    cleaned = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", text)
    return re.sub(r"\s+", " ", cleaned).strip()[:80] or "ho-so"


def _write_record(
    export: YearExport, out: zipfile.ZipFile, record: Record
) -> dict[str, Any] | None:
    version = _version(record)
    sha = (current_signed_sha256(version) or version.pdf_sha256) if version else ""
    if version is None or not sha:
        YearExport.objects.filter(pk=export.pk).update(failed=F("failed") + 1)
        return None  # no PDF yet (a conversion still pending or impossible): nothing to send
    code = f"{export.school.code}.{export.school_year.name}.{record.pk}"
    base = f"{record.record_type.code}/{record.pk:06d} {_slug(record.title)}"
    size = _copy_blob(out, sha, f"{base}.pdf")
    facts = _facts(export, record, version, code, f"{base}.pdf", sha, size)
    out.writestr(f"{base}.xml", to_xml(facts), compress_type=zipfile.ZIP_DEFLATED)
    YearExport.objects.filter(pk=export.pk).update(done=F("done") + 1)
    return {
        "ma_ho_so": code,
        "tep_pdf": f"{base}.pdf",
        "tep_xml": f"{base}.xml",
        "tieu_de": record.title,
        "ma_loai": record.record_type.code,
        "loai_ho_so": record.record_type.name,
        "nguoi_lap": facts.owner_name,
        "nam_hoc": export.school_year.name,
        "ky": record.period_key,
        "trang_thai": record.get_state_display(),
        "ngay_ban_hanh": facts.issued_on.strftime("%d/%m/%Y") if facts.issued_on else "",
        "so_trang": version.page_count or "",
        "chu_ky_so": "Có" if facts.signed else "Không",
        "sha256": sha,
        "kich_thuoc": size,
    }


def _copy_blob(out: zipfile.ZipFile, sha: str, name: str) -> int:
    size = 0
    with blob_store().open(sha) as source, out.open(name, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            target.write(chunk)
            size += len(chunk)
    return size


def _facts(
    export: YearExport,
    record: Record,
    version: RecordVersion,
    code: str,
    file_name: str,
    sha: str,
    size: int,
) -> Facts:
    year = export.school_year
    issued = timezone.localtime(version.issued_at).date() if version.issued_at else None
    label = (
        period_label(
            record.record_type.period, record.record_type.due_rule, year, record.period_key
        )
        if record.period_key
        else year.name
    )
    return Facts(
        code=code,
        title=record.title,
        type_name=record.record_type.name,
        type_code=record.record_type.code,
        retention_years=record.record_type.retention_years,
        year_start=year.start_date,
        year_end=year.end_date,
        school_name=export.school.name,
        owner_name=record.owner.get_full_name() or record.owner.get_username(),
        period_label=label,
        issued_on=issued,
        pages=version.page_count,
        signed=bool(version.signed_sha256 or version.has_signatures),
        file_name=file_name,
        sha256=sha,
        size=size,
    )


def _write_manifest(out: zipfile.ZipFile, rows: list[dict[str, Any]]) -> None:
    text = io.StringIO()
    text.write("\ufeff")  # Excel reads UTF-8 with the mark
    writer = csv.DictWriter(text, fieldnames=MANIFEST_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    out.writestr(
        "manifest.csv", text.getvalue().encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED
    )


def _safe_cell(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@transaction.atomic
def export_download_audit(*, actor: Any, export: YearExport, ip: str = "") -> None:
    audit_log(
        "drive_import.export.downloaded",
        actor=actor,
        obj=export,
        unit_id=export.school_id,
        ip=ip,
        data={"sha256": export.result_sha256},
    )


def export_stream(export: YearExport) -> IO[bytes]:
    return blob_store().open(export.result_sha256)
