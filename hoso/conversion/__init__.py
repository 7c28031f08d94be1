"""The file layer's checks and conversions (plain Python; the records app calls these)."""

from hoso.conversion.convert import (
    OcrResult,
    extract_text,
    ocr_available,
    ocr_to_pdf,
    office_to_pdf,
    render_preview,
)
from hoso.conversion.detect import Detection, detect, detect_kind
from hoso.conversion.errors import ConversionFailed, ConversionUnavailable, UnsafeFileError
from hoso.conversion.kinds import Kind
from hoso.conversion.names import check_filename, safe_display_name
from hoso.conversion.safety import FileReport, Limits, check_upload

__all__ = [
    "ConversionFailed",
    "ConversionUnavailable",
    "Detection",
    "FileReport",
    "Kind",
    "Limits",
    "OcrResult",
    "UnsafeFileError",
    "check_filename",
    "check_upload",
    "detect",
    "detect_kind",
    "extract_text",
    "ocr_available",
    "ocr_to_pdf",
    "office_to_pdf",
    "render_preview",
    "safe_display_name",
]
