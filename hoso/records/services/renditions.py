"""Derived files of a version, made in the background: a PDF to read (office → LibreOffice,
image → OCRmyPDF), the extracted text (searchable; scans get an OCR'd copy), a page-1
preview. Originals are never rewritten; a signed PDF is read from a copy. A missing tool
leaves the record usable and says so on its page."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from hoso.conversion import (
    ConversionFailed,
    ConversionUnavailable,
    Kind,
    extract_text,
    ocr_available,
    ocr_to_pdf,
    office_to_pdf,
    render_preview,
)
from hoso.records.models import RecordVersion, RenditionStatus
from hoso.records.selectors import RUNNING_KEY
from hoso.storage import BlobRef, blob_store

# Fewer characters per page than this means "a scan": worth an OCR'd copy for search.
MIN_TEXT_PER_PAGE = 20
RUNNING_TIMEOUT = 30 * 60  # longer than any conversion; a dead worker's marker expires


def _put(path: Path) -> BlobRef:
    with open(path, "rb") as stream:
        return blob_store().put(stream)


def _put_text(text: str) -> str:
    return blob_store().put(io.BytesIO(text.encode("utf-8"))).sha256 if text.strip() else ""


def _readable_pdf(version: RecordVersion, original: Path, work: Path) -> Path:
    kind = Kind(version.kind)
    if kind is Kind.PDF:
        return original
    if kind.is_office:
        return office_to_pdf(original, work / "office.pdf", kind=kind)
    return ocr_to_pdf(original, work / "scan.pdf", kind=kind).path


def _text_of(version: RecordVersion, pdf: Path, work: Path) -> str:
    text = extract_text(pdf)
    pages = max(version.page_count or 1, 1)
    if Kind(version.kind) is Kind.PDF and len(text.strip()) < MIN_TEXT_PER_PAGE * pages:
        if ocr_available():
            text = extract_text(ocr_to_pdf(pdf, work / "ocr.pdf", kind=Kind.PDF).path)
    return text


def version_render(*, version_id: int, index: bool = True) -> str:
    """Make the derived files of a version; idempotent (done versions are skipped)."""
    version = RecordVersion.objects.get(pk=version_id)
    if version.rendition_status == RenditionStatus.DONE:
        return version.rendition_status
    twin = (
        RecordVersion.objects.filter(
            original_sha256=version.original_sha256, rendition_status=RenditionStatus.DONE
        )
        .exclude(pk=version.pk)
        .values("pdf_sha256", "preview_sha256", "text_sha256")
        .first()
    )
    if twin is not None:  # same bytes, same derived files: no need to run the tools again
        _save(version_id, RenditionStatus.DONE, "", twin)
        status = str(RenditionStatus.DONE)
    else:
        status = _render(version)
    if index:
        from hoso.records.search_index import record_index

        record_index(record_id=version.record_id)
    return status


def _render(version: RecordVersion) -> str:
    key = RUNNING_KEY.format(version.pk)
    cache.set(key, 1, timeout=RUNNING_TIMEOUT)
    try:
        return _convert(version)
    finally:
        cache.delete(key)


def _convert(version: RecordVersion) -> str:
    version_id = version.pk
    status, message = RenditionStatus.DONE, ""
    fields: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="hoso-render-") as tmp:
        work = Path(tmp)
        try:
            original = blob_store().path_for(version.original_sha256)
            pdf = _readable_pdf(version, original, work)
            if pdf != original:
                fields["pdf_sha256"] = _put(pdf).sha256
            fields["preview_sha256"] = _put(render_preview(pdf, work / "preview.png")).sha256
            fields["text_sha256"] = _put_text(_text_of(version, pdf, work))
        except ConversionUnavailable as missing:
            status, message = RenditionStatus.UNAVAILABLE, missing.message
        except ConversionFailed as failed:
            status, message = RenditionStatus.FAILED, failed.message
    _save(version_id, status, message, fields)
    return str(status)


@transaction.atomic
def _save(version_id: int, status: str, message: str, fields: Mapping[str, object]) -> None:
    # Only derived columns: the trigger refuses any change to an issued version's content.
    RecordVersion.objects.filter(pk=version_id).update(
        rendition_status=status, rendition_message=message[:500], **fields
    )
