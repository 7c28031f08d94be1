"""A school year of a school, the other way: one zip with each issued record's PDF (its latest
signed copy, archive time-stamps included, else its PDF), manifest.csv (one row per record, the
same facts) and the NĐ 30/2020 Phụ lục VI XML of each record. Built in the background into a
temporary file, streamed entry by entry, then streamed into the blob store."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NotAllowed
from hoso.core.scheduling import later
from hoso.drive_import.models import ExportStatus, ImportItem, YearExport
from hoso.drive_import.phuluc6 import Facts, Signer, file_notation, to_xml
from hoso.drive_import.policies import MANAGE
from hoso.org.models import SchoolYear, Unit
from hoso.policy import can
from hoso.records.chains import role_label
from hoso.records.models import PERSONAL_SIGN_ACTIONS, Record, RecordVersion
from hoso.records.periods import period_groups, year_label
from hoso.records.policies import PUBLISHED
from hoso.records.services.archive import current_signed_sha256
from hoso.retention.expiry import retention_years
from hoso.signing.models import SignatureRecord
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
        .select_related("record_type__retention_override", "owner")
        .order_by("record_type__code", "pk")
    )
    imported = _imported_versions(export)
    YearExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, total=len(records), done=0, failed=0
    )
    fd, name = tempfile.mkstemp(prefix="hoso-export-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(name, "w", allowZip64=True) as out:
            rows = [_write_record(export, out, record, imported) for record in records]
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


def _imported_versions(export: YearExport) -> set[int]:
    """The versions of the year that a Drive import brought in: files made outside HoSo."""
    return set(
        ImportItem.objects.filter(
            version__record__school=export.school,
            version__record__school_year=export.school_year,
        ).values_list("version_id", flat=True)
    )


def _slug(text: str) -> str:
    cleaned = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", text)
    return re.sub(r"\s+", " ", cleaned).strip()[:80] or "ho-so"


def _write_record(
    export: YearExport, out: zipfile.ZipFile, record: Record, imported: set[int]
) -> dict[str, Any] | None:
    version = _version(record)
    sha = (current_signed_sha256(version) or version.pdf_sha256) if version else ""
    if version is None or not sha:
        YearExport.objects.filter(pk=export.pk).update(failed=F("failed") + 1)
        return None  # no PDF yet (a conversion still pending or impossible): nothing to send
    base = f"{record.record_type.code}/{record.pk:06d} {_slug(record.title)}"
    size = _copy_blob(out, sha, f"{base}.pdf")
    with translation.override("vi"):  # the XML is a Vietnamese document in any language
        facts = _facts(export, record, version, version.pk in imported, f"{base}.pdf", sha, size)
    out.writestr(f"{base}.xml", to_xml(facts), compress_type=zipfile.ZIP_DEFLATED)
    YearExport.objects.filter(pk=export.pk).update(done=F("done") + 1)
    return {
        "ma_ho_so": facts.code,
        "tep_pdf": f"{base}.pdf",
        "tep_xml": f"{base}.xml",
        "tieu_de": record.title,
        "ma_loai": record.record_type.code,
        "loai_ho_so": record.record_type.name,
        "nguoi_lap": facts.creator,
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
    imported: bool,
    file_name: str,
    sha: str,
    size: int,
) -> Facts:
    """What HoSo holds of the record, for the Phụ lục VI fields (docs/drive-import.md)."""
    kind, school = record.record_type, export.school
    label, start, end = _period(record, export.school_year)
    issued = None if imported or not version.issued_at else timezone.localtime(version.issued_at)
    return Facts(
        organ_id=school.code,
        organ_name=school.name,
        catalog_year=start.year,
        notation=file_notation(record.pk, kind.code),
        title=record.title,
        retention_years=retention_years(kind),
        creator=_name(record.owner),
        start=start,
        end=end,
        description=f"{kind.name} — {label}",
        type_name=kind.name,
        issued_on=issued.date() if issued else None,
        pages=version.page_count,
        signers=_signers(version),
        file_name=file_name,
        sha256=sha,
        size=size,
        signed=bool(version.signed_sha256 or version.has_signatures),
    )


def _period(record: Record, year: SchoolYear) -> tuple[str, dt.date, dt.date]:
    """The record's period (a week, month, term or the year) and its first and last days; a
    record without one, or with a key the year does not have, covers the school year."""
    key = record.period_key
    slots = (slot for _group, group in period_groups(year) for slot in group)
    found = next((slot for slot in slots if slot.key == key), None) if key else None
    if found is not None:
        return found.label, found.start, found.end
    return key or year_label(year), year.start_date, year.end_date


def _signers(version: RecordVersion) -> tuple[Signer, ...]:
    """The personal signatures HoSo made on the version, in order (the seal is the school's,
    not a person's); none for a file signed outside HoSo."""
    signatures = (
        SignatureRecord.objects.filter(version=version, action__in=PERSONAL_SIGN_ACTIONS)
        .select_related("signer")
        .order_by("signed_at", "id")
    )
    return tuple(Signer(str(role_label(s.role)), _name(s.signer)) for s in signatures)


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


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
