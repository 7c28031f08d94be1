"""Derived files. Tests marked `tools` run the real LibreOffice / OCRmyPDF / poppler."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

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
from hoso.conversion.pdfinspect import pdf_has_signatures
from hoso.conversion.tests import samples
from hoso.conversion.tools import run

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
LINES = [
    "Kế hoạch bài dạy môn Ngữ văn lớp 7",
    "Trường Trung học cơ sở Nguyễn Trãi",
    "Người soạn: Nguyễn Thị Ánh Tuyết",
]

needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler")
needs_ocr = pytest.mark.skipif(not ocr_available("vie"), reason="no tesseract vie / ocrmypdf")


# ---- without external tools -------------------------------------------------------------------


def test_signed_pdf_is_recognised() -> None:
    assert pdf_has_signatures(samples.signed_looking_pdf())
    assert not pdf_has_signatures(samples.one_page())


def test_unreadable_pdf_with_byterange_counts_as_signed() -> None:
    assert pdf_has_signatures(b"garbage /ByteRange [0 1 2 3] garbage")
    assert not pdf_has_signatures(b"garbage")


def test_missing_libreoffice_is_a_clear_unavailable(tmp_path: Path) -> None:
    src = tmp_path / "a.docx"
    src.write_bytes(samples.docx(["x"]))

    with pytest.raises(ConversionUnavailable) as caught:
        office_to_pdf(src, tmp_path / "a.pdf", kind=Kind.DOCX, soffice="/nonexistent/soffice")

    assert caught.value.message == (
        "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; tệp gốc vẫn được lưu."
    )


def test_missing_tesseract_is_a_clear_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_a, **_k: None)

    with pytest.raises(ConversionUnavailable, match="tesseract"):
        ocr_to_pdf(samples.image_only_pdf(), tmp_path / "o.pdf", kind=Kind.PDF)
    assert not ocr_available()


def test_timeout_kills_the_program_and_says_so() -> None:
    started = time.monotonic()

    with pytest.raises(ConversionFailed, match="quá nhiều thời gian"):
        run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.3, what="Chuyển sang PDF")

    assert time.monotonic() - started < 5


# ---- with LibreOffice, poppler, OCRmyPDF + tesseract --------------------------------------------


@pytest.mark.tools
@needs_office
@needs_poppler
def test_docx_to_pdf_text_and_preview(tmp_path: Path) -> None:
    src = tmp_path / "ke-hoach.docx"
    src.write_bytes(samples.docx(LINES))
    before = hashlib.sha256(src.read_bytes()).hexdigest()

    pdf = office_to_pdf(src, tmp_path / "out.pdf", kind=Kind.DOCX, profile_root=tmp_path)
    text = extract_text(pdf)
    preview = render_preview(pdf, tmp_path / "p1.png", width=600)

    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 1
    assert all(line in text for line in LINES)
    with Image.open(preview) as image:
        assert image.width == 600
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def _scan(path: Path) -> Path:
    image = Image.new("L", (2480, 520), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 64)
    for number, line in enumerate(LINES):
        draw.text((150, 80 + number * 130), line, fill=0, font=font)
    image.save(path, "PNG", dpi=(300, 300))
    return path


@pytest.mark.tools
@needs_ocr
@needs_poppler
@pytest.mark.skipif(not FONT.exists(), reason="fonts-liberation2 missing")
def test_scanned_image_becomes_searchable_vietnamese_pdf(tmp_path: Path) -> None:
    scan = _scan(tmp_path / "scan.png")

    result = ocr_to_pdf(scan, tmp_path / "ocr.pdf", kind=Kind.PNG)

    text = " ".join(extract_text(result.path).split())
    assert not result.from_signed_original
    assert "Kế hoạch bài dạy" in text
    assert "Nguyễn Trãi" in text


@pytest.mark.tools
@needs_ocr
def test_ocr_of_signed_pdf_returns_a_new_file_and_leaves_the_original(tmp_path: Path) -> None:
    original = tmp_path / "da-ky.pdf"
    original.write_bytes(samples.signed_looking_pdf())
    before = original.read_bytes()

    result = ocr_to_pdf(original, tmp_path / "ban-tim-kiem.pdf", kind=Kind.PDF)

    assert result.from_signed_original
    assert result.path != original
    assert original.read_bytes() == before
