"""Every hostile file is refused with its own code and a Vietnamese message; benign ones pass."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from make_corpus import BENIGN, HOSTILE, Case

from hoso.conversion import FileReport, Kind, UnsafeFileError, check_upload

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def _build(case: Case, tmp_path: Path) -> Path:
    path = tmp_path / case.id
    case.build(path)
    return path


def test_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 30
    assert len({case.id for case in HOSTILE + BENIGN}) == len(HOSTILE) + len(BENIGN)


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_hostile_file_is_refused(case: Case, tmp_path: Path) -> None:
    path = _build(case, tmp_path)

    with pytest.raises(UnsafeFileError) as caught:
        check_upload(path, case.filename, case.limits)

    assert caught.value.code == case.code
    assert VIETNAMESE.search(caught.value.message), caught.value.message
    assert caught.value.message.endswith("."), caught.value.message


@pytest.mark.parametrize("case", BENIGN, ids=[case.id for case in BENIGN])
def test_benign_file_is_accepted(case: Case, tmp_path: Path) -> None:
    path = _build(case, tmp_path)

    report = check_upload(path, case.filename, case.limits)

    assert report.size == path.stat().st_size
    assert report.display_name == unicodedata.normalize("NFC", case.filename)


def test_benign_reports_describe_the_file(tmp_path: Path) -> None:
    by_id = {case.id: case for case in BENIGN}

    def report(case_id: str) -> FileReport:
        case = by_id[case_id]
        return check_upload(_build(case, tmp_path), case.filename)

    docx = report("docx")
    assert docx.kind is Kind.DOCX
    assert docx.display_name == "Kế hoạch bài dạy tuần 12.docx"  # NFD upload, NFC name
    assert docx.needs_pdf_conversion and not docx.needs_ocr
    text_pdf = report("pdf-text")
    assert (text_pdf.kind, text_pdf.page_count, text_pdf.text_pages) == (Kind.PDF, 1, 1)
    assert not text_pdf.needs_ocr and not text_pdf.image_only_pdf
    scan = report("pdf-image-only")
    assert scan.image_only_pdf and scan.needs_ocr
    assert report("pdf-signed").has_signatures
    assert not text_pdf.has_signatures
    tiff = report("tiff-3-pages")
    assert (tiff.kind, tiff.page_count, tiff.needs_ocr) == (Kind.TIFF, 3, True)
    assert report("xlsx").kind is Kind.XLSX
    assert report("odt").kind is Kind.ODT
