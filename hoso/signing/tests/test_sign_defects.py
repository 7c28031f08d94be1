"""Signing defects found by an independent check: inherited /MediaBox and nested page trees,
NĐ 30 titles with authority prefixes, blocks drawn over page content, certified and locked
documents, the font."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from hoso.signing.engine import appearance as ap
from hoso.signing.engine.demo_images import demo_signature_png
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import certification_level, sign_pdf
from hoso.signing.engine.testdocs import _font, sample_pdf
from hoso.signing.engine.validate import PdfValidator
from hoso.signing.tests import hostile


def nested_tree_pdf() -> bytes:
    """Two pages in a nested page tree, /MediaBox only on the root /Pages (as LaTeX writes)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 2 /MediaBox [0 0 595 842] >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 3 0 R /Contents 6 0 R /Resources << >> >>",
        b"<< /Type /Page /Parent 3 0 R /Contents 6 0 R /Resources << >> >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (7, xref))
    return out.getvalue()


def nd30_pdf(*titles: str) -> bytes:
    """A4 page with the national motto top right and signature titles bottom right."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    font = _font()
    width, height = A4
    c.setFont(font, 12)
    c.drawCentredString(width - 60 * mm, height - 15 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawCentredString(width - 60 * mm, height - 21 * mm, "Độc lập - Tự do - Hạnh phúc")
    c.drawCentredString(width / 2, height - 45 * mm, "QUYẾT ĐỊNH")
    c.drawString(25 * mm, height - 60 * mm, "Nội dung quyết định của nhà trường.")
    y = 70 * mm
    for title in titles:
        c.drawCentredString(width - 60 * mm, y, title)
        y -= 6 * mm
    c.drawCentredString(width - 60 * mm, 30 * mm, "Nguyễn Văn Thêm")
    c.showPage()
    c.save()
    return buf.getvalue()


def _overlaps_text(pdf: bytes, page: int, box: tuple[float, ...]) -> list:
    return [t for t in ap.occupied(pdf, page) if ap._overlaps(box, t, 0)]


def test_inherited_mediabox_and_nested_page_tree(env):
    pdf = nested_tree_pdf()
    assert ap.page_size(pdf, 1) == (595, 842)
    out, look = ap.text_block_in_free_space(pdf, ["Nguyễn Văn Thêm", "Hiệu trưởng"], signed=False)
    signed = sign_pdf(out, env.signer(env.principal), appearance=look)
    report = PdfValidator(env.roots, other_certs=env.intermediates).validate(signed)
    assert report.all_valid, report.verdict


@pytest.mark.parametrize(
    ("titles", "wanted"),
    [
        (("TM. BAN GIÁM HIỆU", "HIỆU TRƯỞNG"), ["HIỆU TRƯỞNG"]),
        (("TM. HỘI ĐỒNG TRƯỜNG", "CHỦ TỊCH"), ["HIỆU TRƯỞNG"]),
        (("KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"), ["PHÓ HIỆU TRƯỞNG", "KT. HIỆU TRƯỞNG"]),
        (("Q. HIỆU TRƯỞNG",), ["HIỆU TRƯỞNG"]),
        (("TL. HIỆU TRƯỞNG", "TRƯỞNG PHÒNG"), ["TRƯỞNG PHÒNG"]),
        (("TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG"), ["TRƯỞNG PHÒNG"]),
    ],
)
def test_nd30_titles_get_the_image_below_the_whole_block(titles, wanted):
    pdf = nd30_pdf(*titles)
    look = ap.signer_appearance_for_titles(pdf, demo_signature_png("Nguyễn Văn Thêm"), wanted)
    assert look is not None
    box = look.placement.box
    assert _overlaps_text(pdf, 0, box) == []
    last_title = ap.find_text(pdf, titles[-1])[-1].box
    name = ap.find_text(pdf, "Nguyễn Văn Thêm")[-1].box
    assert name[3] < box[1] < box[3] < last_title[1]


def test_text_block_never_covers_the_national_motto():
    pdf = nd30_pdf()
    out, look = ap.text_block_in_free_space(
        pdf, ["Nguyễn Văn Thêm", "Hiệu trưởng", "2025-05-20T09:15:30+07:00"], signed=True
    )
    assert out is pdf
    assert _overlaps_text(pdf, look.placement.page, look.placement.box) == []


def test_full_page_gets_a_signature_page_only_when_unsigned():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(0, 0, A4[0], A4[1], fill=1)  # nothing free anywhere
    c.showPage()
    c.save()
    full = buf.getvalue()
    out, look = ap.text_block_in_free_space(full, ["Nguyễn Văn Thêm"], signed=False)
    assert ap.page_count(out) == 2 and look.placement.page == 1
    with pytest.raises(SigningError) as err:
        ap.text_block_in_free_space(full, ["Nguyễn Văn Thêm"], signed=True)
    assert err.value.code == "no_room"


@pytest.mark.parametrize("perm", [fields.MDPPerm.FILL_FORMS, fields.MDPPerm.ANNOTATE])
def test_signing_a_document_certified_by_someone_else_keeps_it_valid(env, perm):
    certified = hostile.sign_stock(
        sample_pdf(1), hostile.stock_signer(env, env.leader), certify=True, docmdp=perm
    )
    look = ap.signer_appearance(
        demo_signature_png("Nguyễn Văn Thêm"), page=0, box=(300, 100, 420, 160)
    )
    signed = sign_pdf(certified, env.signer(env.principal), appearance=look)
    report = PdfValidator(env.roots, other_certs=env.intermediates).validate(signed)
    assert report.all_valid, [s.verdict for s in report.signatures]


def test_field_lock_is_refused_with_the_lockers_name(env):
    lock = fields.FieldMDPSpec(fields.FieldMDPAction.ALL)
    locked = hostile.sign_stock(
        sample_pdf(1), hostile.stock_signer(env, env.leader), field_lock=lock
    )
    with pytest.raises(SigningError) as err:
        sign_pdf(locked, env.signer(env.principal))
    assert err.value.code == "locked_pdf"
    assert "ChuKy1" in err.value.message


def test_locking_signature_flags_a_later_annotation(env):
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    locked = sign_pdf(sample_pdf(1), env.signer(env.seal), lock=fields.MDPPerm.FILL_FORMS)
    assert certification_level(PdfFileReader(io.BytesIO(locked))) == fields.MDPPerm.FILL_FORMS
    after = validator.validate(hostile.add_annotation(locked))
    assert after.all_valid is False
    assert "thay đổi không được phép" in after.signatures[0].verdict


def test_text_font_is_liberation_serif():
    font = TTFont(ap.FONT_PATH)
    copyright_text = font["name"].getDebugName(0) or ""
    assert "Red Hat" in copyright_text  # Liberation fonts (metric-compatible with Times)
    assert font["head"].unitsPerEm == 1000
