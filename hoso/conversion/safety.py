"""One gate for every upload: name, size, real type, then the checks for that type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hoso.conversion.detect import detect
from hoso.conversion.errors import UnsafeFileError
from hoso.conversion.kinds import Kind
from hoso.conversion.names import check_filename
from hoso.conversion.zipcheck import ZipLimits, inspect_zip

if TYPE_CHECKING:
    from hoso.conversion.pdfinspect import PdfInfo

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What an upload may be. Pass values from settings; defaults suit a school's records."""

    max_bytes: int = 50 * MB
    max_pages: int = 2000
    max_image_pixels: int = 100_000_000  # An A3 page scanned at 600 dpi is ~70 MP.
    max_zip_entries: int = 5000
    max_uncompressed_bytes: int = 300 * MB
    max_compression_ratio: int = 200
    allow_embedded_files: bool = False


@dataclass(frozen=True, slots=True)
class FileReport:
    """An accepted upload: what it is and what should be derived from it."""

    kind: Kind
    display_name: str
    size: int
    page_count: int | None = None
    text_pages: int | None = None
    has_signatures: bool = False
    has_embedded_files: bool = False

    @property
    def needs_pdf_conversion(self) -> bool:
        return self.kind.is_office

    @property
    def needs_ocr(self) -> bool:
        """Images, and PDFs with at least one page without text (OCR then skips the others)."""
        if self.kind.is_image:
            return True
        return self.page_count is not None and (self.text_pages or 0) < self.page_count

    @property
    def image_only_pdf(self) -> bool:
        return self.kind is Kind.PDF and self.text_pages == 0


def check_upload(path: Path, filename: str, limits: Limits | None = None) -> FileReport:
    """Accept the file at `path` uploaded as `filename`, or raise UnsafeFileError (Vietnamese)."""
    # The inspectors bring pikepdf and Pillow: imported by the first upload, not by a web
    # process's start (its memory).
    from hoso.conversion.imagecheck import inspect_image
    from hoso.conversion.pdfinspect import inspect_pdf

    limits = limits or Limits()
    display_name = check_filename(filename)
    size = _checked_size(path, limits.max_bytes)
    detection = detect(path, filename)
    detection.require_match()
    kind = detection.kind
    base = FileReport(kind=kind, display_name=display_name, size=size)
    if kind is Kind.PDF:
        return _with_pdf(
            base,
            inspect_pdf(
                path, max_pages=limits.max_pages, allow_embedded_files=limits.allow_embedded_files
            ),
        )
    if kind.is_zip:
        inspect_zip(
            path,
            ZipLimits(
                limits.max_zip_entries, limits.max_uncompressed_bytes, limits.max_compression_ratio
            ),
        )
        return base
    image = inspect_image(
        path, kind, max_pixels=limits.max_image_pixels, max_frames=limits.max_pages
    )
    return FileReport(
        kind=kind, display_name=display_name, size=size, page_count=image.frames, text_pages=0
    )


def _checked_size(path: Path, max_bytes: int) -> int:
    size = path.stat().st_size
    if size > max_bytes:
        raise UnsafeFileError(
            _(
                "Tệp quá lớn (%(size)s MB; tối đa %(max_bytes)s MB). Hãy nén ảnh, giảm độ phân "
                "giải khi quét (300 dpi là đủ) hoặc tách thành nhiều tệp."
            )
            % {"size": _mb(size), "max_bytes": _mb(max_bytes)},
            code="file.too_large",
        )
    return size


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",").removesuffix(",0")


def _with_pdf(base: FileReport, info: PdfInfo) -> FileReport:
    return FileReport(
        kind=base.kind,
        display_name=base.display_name,
        size=base.size,
        page_count=info.page_count,
        text_pages=info.text_pages,
        has_signatures=info.has_signatures,
        has_embedded_files=info.has_embedded_files,
    )
