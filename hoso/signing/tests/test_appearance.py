import datetime as dt
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from hoso.signing.engine import appearance as ap
from hoso.signing.engine.demo_images import demo_seal_png, demo_signature_png
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator
from hoso.signing.tests.helpers import assert_all_valid

SCHOOL = "Trường THCS Đống Đa"


@pytest.fixture(scope="module")
def pdf():
    return sample_pdf(2)


def test_shipped_font_is_1000_units_per_em_with_vietnamese():
    font = TTFont(ap.FONT_PATH)
    assert font["head"].unitsPerEm == 1000
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "ếộữĐđăâêôơưỳỹ")


def test_demo_images_are_transparent_blue_and_red():
    sig = Image.open(BytesIO(demo_signature_png("Nguyễn Văn Thêm")))
    seal = Image.open(BytesIO(demo_seal_png(SCHOOL)))
    assert sig.mode == "RGBA" and sig.getpixel((0, 0))[3] == 0
    assert max(sig.get_flattened_data(), key=lambda p: p[3])[2] > 150  # blue ink
    assert max(seal.get_flattened_data(), key=lambda p: p[3])[0] > 150  # red ink


def test_signature_sits_between_title_and_name(pdf):
    look = ap.signer_appearance_at_anchor(pdf, demo_signature_png("Nguyễn Văn Thêm"))
    title = ap.find_text(pdf, "Hiệu trưởng")[-1]
    name = ap.find_text(pdf, "Nguyễn Văn Thêm")[-1]
    x0, y0, x1, y1 = look.placement.box
    assert look.placement.page == 1 == title.page
    assert name.box[3] < y0 < y1 < title.box[1]
    assert abs((x0 + x1) / 2 - (title.box[0] + title.box[2]) / 2) < 1


def test_seal_covers_left_third_of_signature_at_real_size(pdf):
    look = ap.signer_appearance_at_anchor(pdf, demo_signature_png("Nguyễn Văn Thêm"))
    seal = ap.seal_appearance(demo_seal_png(SCHOOL), signer=look.placement, diameter_mm=36)
    sx0, _, sx1, _ = seal.placement.box
    x0, _, x1, _ = look.placement.box
    assert sx1 - sx0 == pytest.approx(36 * 72 / 25.4)
    assert sx1 - x0 == pytest.approx((x1 - x0) / 3)


def test_full_chain_with_images_and_copy_block_renders_and_validates(env, pdf, tmp_path):
    look = ap.signer_appearance_at_anchor(pdf, demo_signature_png("Nguyễn Văn Thêm"))
    doc = sign_pdf(pdf, env.signer(env.principal), appearance=look, field_name="HieuTruong")
    seal = ap.seal_appearance(demo_seal_png(SCHOOL), signer=look.placement)
    doc = sign_pdf(doc, env.signer(env.seal), appearance=seal, field_name="DongDau")
    when = dt.datetime(2025, 5, 20, 2, 15, 30, tzinfo=dt.UTC)
    w, h = ap.page_size(doc)
    block = ap.text_block_appearance(
        ap.copy_lines("Sao y", SCHOOL, when), page_width=w, page_height=h
    )
    doc = sign_pdf(doc, env.signer(env.seal), appearance=block, field_name="SaoY")
    assert_all_valid(doc, PdfValidator(env.roots, other_certs=env.intermediates), 3)
    if shutil.which("pdftotext"):
        path = tmp_path / "out.pdf"
        path.write_bytes(doc)
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "SAO Y" in text and SCHOOL in text
        assert "2025-05-20T09:15:30+07:00" in text
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "p")], check=True)
        assert len(list(tmp_path.glob("p-*.png"))) == 2


def test_attachment_lines_use_iso_8601_with_offset():
    lines = ap.attachment_lines("123/QĐ-THCSĐĐ")
    assert lines[0] == "123/QĐ-THCSĐĐ"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", lines[1])


def test_missing_anchor_is_a_clear_error(pdf):
    from hoso.signing.engine.errors import SigningError

    with pytest.raises(SigningError) as err:
        ap.signer_appearance_at_anchor(pdf, demo_signature_png("A"), anchor="PHÓ HIỆU TRƯỞNG")
    assert err.value.code == "no_anchor"
