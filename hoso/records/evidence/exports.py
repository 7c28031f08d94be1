"""A school's evidence as an Excel table (openpyxl, every value through `safe_cell`) and as a
zip of the documents, streamed: each file is read from the blob store and written in pieces,
so the archive is never held in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from hoso.core.xlsx import safe_row
from hoso.records.evidence.criteria import Standard
from hoso.records.models import EvidenceTag, RecordVersion
from hoso.records.services.archive import current_signed_sha256
from hoso.storage import BlobNotFound, blob_store

HEADER = (
    "STT",
    "Tiêu chuẩn",
    "Tiêu chí",
    "Tên tiêu chí",
    "Hồ sơ",
    "Loại hồ sơ",
    "Phiên bản",
    "Ngày",
    "Tệp trong bộ tài liệu",
    "Người gắn",
    "Ngày gắn",
)
CHUNK = 1024 * 1024


def evidence_date(version: RecordVersion) -> Any:
    """The date the evidence carries: its issue date, else its upload date."""
    return (version.issued_at or version.uploaded_at).date()


def file_of(version: RecordVersion) -> tuple[str, str]:
    """(sha256, name) of the copy to hand over: the signed PDF (with its latest archive
    time-stamp) when there is one, else the original."""
    stem = version.filename.rsplit(".", 1)[0] or "ho-so"
    if version.signed_sha256:
        return current_signed_sha256(version), f"{stem}.pdf"
    return version.original_sha256, version.filename


def zip_name(tag: EvidenceTag) -> str:
    """Folder per criterion, the record id and version number keep names apart."""
    version = tag.version
    _sha, name = file_of(version)
    folder = tag.criterion.replace(".", "-")
    return f"{folder}/{version.record_id}-v{version.number}-{name}"


def evidence_xlsx(found: Standard, school_name: str, tags: Iterable[EvidenceTag]) -> bytes:
    # openpyxl for this table only: a web process does not load it when it starts (its memory)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Minh chứng"
    sheet.append(safe_row([f"Minh chứng kiểm định — {school_name} — {found.circular}"]))
    sheet["A1"].font = Font(bold=True)
    sheet.append(safe_row(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for n, tag in enumerate(tags, start=1):
        sheet.append(safe_row(_row(found, n, tag)))
    for column, width in zip(
        "ABCDEFGHIJK", (5, 12, 12, 40, 40, 30, 9, 12, 40, 22, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(found: Standard, n: int, tag: EvidenceTag) -> list[Any]:
    criterion = found.criterion(tag.criterion)
    version = tag.version
    record = version.record
    return [
        n,
        "Mức 4" if criterion is None or criterion.is_muc4 else f"Tiêu chuẩn {criterion.tieu_chuan}",
        criterion.label if criterion else tag.criterion,
        criterion.title if criterion else "",
        record.title,
        record.record_type.name,
        version.number,
        evidence_date(version).strftime("%d/%m/%Y"),
        zip_name(tag),
        tag.tagged_by.get_full_name() or tag.tagged_by.get_username(),
        tag.tagged_at.strftime("%d/%m/%Y"),
    ]


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken out after each write (zipfile writes a
    non-seekable stream with data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def evidence_zip(tags: Iterable[EvidenceTag]) -> Iterator[bytes]:
    """The documents of `tags`, one file per tag (a version tagged twice is in both folders),
    a note for a file missing from the store."""
    sink = _Sink()
    store = blob_store()
    missing: list[str] = []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for tag in tags:
            sha, _name = file_of(tag.version)
            try:
                stream = store.open(sha)
            except BlobNotFound:
                missing.append(zip_name(tag))
                continue
            with stream, archive.open(zip_name(tag), "w", force_zip64=True) as target:
                while chunk := stream.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
        if missing:
            note = "Không còn trong kho lưu trữ (hãy báo quản trị hệ thống):\n" + "\n".join(missing)
            archive.writestr("THIEU-TEP.txt", note)
    yield sink.take()
