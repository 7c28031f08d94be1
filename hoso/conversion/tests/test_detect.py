"""Detection reads content, not names; mismatches explain themselves in Vietnamese."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from hoso.conversion import Kind, UnsafeFileError, detect


def _png(path: Path) -> Path:
    Image.new("RGB", (4, 4)).save(path, "PNG")
    return path


def test_png_named_pdf_is_a_mismatch_with_a_vietnamese_message(tmp_path: Path) -> None:
    detection = detect(_png(tmp_path / "x"), "bao-cao.pdf")

    assert (detection.kind, detection.extension, detection.extension_matches) == (
        Kind.PNG,
        ".pdf",
        False,
    )
    with pytest.raises(UnsafeFileError) as caught:
        detection.require_match()
    assert caught.value.message.startswith("Tệp có đuôi .pdf nhưng nội dung là ảnh PNG.")
    assert caught.value.code == "file.extension_mismatch"


def test_matching_extension_is_case_insensitive(tmp_path: Path) -> None:
    detection = detect(_png(tmp_path / "x"), "ANH.PNG")

    assert detection.extension_matches
    assert detection.mismatch_message is None
    detection.require_match()


@pytest.mark.parametrize(
    ("mimetype", "kind"),
    [
        (b"application/vnd.oasis.opendocument.text", Kind.ODT),
        (b"application/vnd.oasis.opendocument.spreadsheet", Kind.ODS),
    ],
)
def test_odf_is_recognised_by_its_mimetype_entry(
    tmp_path: Path, mimetype: bytes, kind: Kind
) -> None:
    path = tmp_path / "doc"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")

    assert detect(path, "a" + sorted(kind.extensions)[0]).kind is kind


def test_pptx_is_recognised_by_its_main_part(tmp_path: Path) -> None:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/ppt/presentation.xml" ContentType="{main}"/></Types>'
    )
    path = tmp_path / "slides"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", types)

    assert detect(path, "bai-giang.pptx").kind is Kind.PPTX


def test_jpeg_and_tiff(tmp_path: Path) -> None:
    for fmt, kind, name in (("JPEG", Kind.JPEG, "a.jpg"), ("TIFF", Kind.TIFF, "a.tif")):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4)).save(buffer, fmt)
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        assert detect(path, name).kind is kind


def test_unknown_content_names_what_it_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"Rar!\x1a\x07\x00" + b"\x00" * 64)

    with pytest.raises(UnsafeFileError) as caught:
        detect(path, "ho-so.pdf")

    assert caught.value.code == "file.unsupported"
    assert ".rar" in caught.value.message
    assert "HoSo nhận tệp PDF" in caught.value.message
