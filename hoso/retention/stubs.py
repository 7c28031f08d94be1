"""What is kept of a destroyed record: its metadata and, for every file removed, the size and
SHA-256 (so the biên bản proves exactly which bytes were destroyed)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hoso.records.models import Record, RecordVersion
from hoso.retention import expiry
from hoso.signing.models import SignatureRecord
from hoso.storage import blob_store

_LABELS = {
    "original_sha256": "tệp gốc",
    "pdf_sha256": "bản PDF",
    "preview_sha256": "ảnh xem trước",
    "text_sha256": "văn bản trích xuất",
    "signed_sha256": "bản đã ký",
}


def _day(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _size(sha256: str, known: dict[str, int]) -> int:
    if sha256 in known:
        return known[sha256]
    from hoso.storage import BlobNotFound

    try:
        return blob_store().size(sha256)
    except BlobNotFound:
        return 0


def _version_files(version: RecordVersion, known: dict[str, int]) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(sha256: str, label: str) -> None:
        if sha256 and sha256 not in seen:
            seen.add(sha256)
            files.append({"label": label, "sha256": sha256, "size": _size(sha256, known)})

    for field, label in _LABELS.items():
        add(getattr(version, field), f"v{version.number} {label}")
    for sig in SignatureRecord.objects.filter(version=version).order_by("signed_at", "id"):
        add(sig.output_sha256, f"v{version.number} bản ký bước {sig.step + 1}")
        add(sig.detached_sha256, f"v{version.number} chữ ký rời bước {sig.step + 1}")
    return files


def stub_of(record: Record) -> dict[str, Any]:
    versions = list(record.versions.order_by("number"))
    files: list[dict[str, Any]] = []
    for version in versions:
        known = {version.original_sha256: version.size}
        files += _version_files(version, known)
    end = expiry.retention_end(record)
    owner = record.owner
    return {
        "record": record.pk,
        "title": record.title,
        "type_code": record.record_type.code,
        "type_name": record.record_type.name,
        "years": expiry.retention_years(record.record_type),
        "end": end.strftime("%d/%m/%Y") if end else "",
        "source": expiry.retention_source(record.record_type),
        "owner": owner.get_full_name() or owner.username,
        "owner_id": owner.pk,
        "school_year": record.school_year.name,
        "period": record.period_key,
        "created_at": _day(record.created_at),
        "versions": [
            {
                "number": v.number,
                "filename": v.filename,
                "size": v.size,
                "uploaded_at": _day(v.uploaded_at),
                "issued_at": _day(v.issued_at),
                "original_sha256": v.original_sha256,
                "signed_sha256": v.signed_sha256,
            }
            for v in versions
        ],
        "files": files,
    }
