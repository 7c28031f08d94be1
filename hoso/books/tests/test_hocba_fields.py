"""The học bạ form carries an empty signature field in the blank of each signer's block (the
year's GVCN and principal blocks), and the chain fills them: each signature's widget is the
field the form laid out, inside its block (under the block's instruction line, above the
printed name), the seal over the principal's image in a field of its own; every signature
valid in pdfsig and stock pyHanko. Own world: hoso.books.tests.hocba_world."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from hoso.books.tests.hocba_world import world, world_pki
from hoso.books.tests.test_score_book_pdf import _valid_everywhere
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.services.versions import hocba_create, hocba_sign
from hoso.grading.models import HocBaStatus
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.test_outputs_hocba import _complete_year, _signer, pki_files
from hoso.signing.engine.appearance import find_text, seal_box

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
__all__ = ["pki_files", "world", "world_pki"]  # fixtures
GVCN_HINT, HT_HINT = "(Ký và ghi rõ họ tên)", "(Ký, ghi rõ họ tên và đóng dấu)"


def _fields(pdf: bytes) -> dict[str, tuple[int, tuple[float, ...], bool]]:
    """Every signature field: name -> (page, /Rect, signed)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    annotations = [
        {
            a.reference
            for a in reader.find_page_for_modification(i)[0].get_object().get("/Annots", [])
        }
        for i in range(int(reader.root["/Pages"]["/Count"]))
    ]
    found = {}
    for name, value, ref in fields.enumerate_sig_fields(reader):
        widget = ref.get_object()
        rect = tuple(round(float(v), 2) for v in widget["/Rect"])
        page = next(i for i, refs in enumerate(annotations) if ref.reference in refs)
        found[name] = (page, rect, value is not None)
    return found


def _inside_block(pdf: bytes, page: int, rect: tuple[float, ...], hint: str, name: str) -> None:
    """`rect` lies in the blank of the block whose instruction line is `hint` and whose
    printed name is `name`: under the first, above the second, centred on them."""
    hints = [h for h in find_text(pdf, hint) if h.page == page]
    names = [h for h in find_text(pdf, name) if h.page == page]
    assert hints and names
    above, below = hints[-1].box, names[-1].box
    x0, y0, x1, y1 = rect
    assert below[3] - 1 <= y0 < y1 <= above[1] + 1  # glyph boxes and line boxes differ a little
    assert x0 < (above[0] + above[2]) / 2 < x1
    assert x0 < (below[0] + below[2]) / 2 < x1


def test_hocba_signatures_fill_the_fields_in_the_signers_blocks(world, world_pki):
    from hoso.signing.engine.demo_images import demo_seal_png, demo_signature_png

    lop = world.units["th1.1A"]
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    gvcn, ht, vt = gvcn_of(lop), world.people["th1.hieutruong"], world.people["th1.vanthu"]
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    draft = read_blob(version.pdf_sha256)
    laid_out = _fields(draft)
    assert sorted(laid_out) == ["GVCN", "HT"]
    year_page = 4  # TT 27: cover, hướng dẫn, lý lịch, quá trình… then the year's page
    assert {page for page, _, _ in laid_out.values()} == {year_page}
    assert not any(signed for _, _, signed in laid_out.values())
    _inside_block(draft, year_page, laid_out["GVCN"][1], GVCN_HINT, version.data["homeroom"])
    _inside_block(draft, year_page, laid_out["HT"][1], HT_HINT, version.data["principal"])

    for actor, who, image in (
        (gvcn, "gvcn", demo_signature_png("GVCN Demo")),
        (ht, "ht", demo_signature_png("HT Demo")),
        (vt, "seal", demo_seal_png("Trường Tiểu học Nguyễn Du")),
    ):
        hocba_sign(actor=actor, version=version, signer=_signer(world_pki, who), image_png=image)
    version.refresh_from_db()
    assert version.status == HocBaStatus.ISSUED
    issued = read_blob(version.pdf_sha256)
    _valid_everywhere(issued, 3)
    signatures = PdfFileReader(io.BytesIO(issued)).embedded_signatures
    assert [s.field_name for s in signatures][:2] == ["GVCN", "HT"]
    seal_name = signatures[2].field_name
    signed = _fields(issued)
    assert sorted(signed) == sorted(["GVCN", "HT", seal_name])
    assert all(is_signed for _, _, is_signed in signed.values())
    assert signed["GVCN"] == (year_page, laid_out["GVCN"][1], True)  # the very field, unmoved
    assert signed["HT"] == (year_page, laid_out["HT"][1], True)
    page, rect, _ = signed[seal_name]  # NĐ 30: the seal over the left third of the image
    assert page == year_page
    assert rect == tuple(round(v, 2) for v in seal_box(laid_out["HT"][1]))  # type: ignore[arg-type]


def test_the_tt22_form_lays_out_the_fields_in_the_comment_and_approval_blocks(world):
    lop = world.units["thcs1.6A"]
    pupil = first_student(lop, 5)
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil)
    draft = read_blob(version.pdf_sha256)
    laid_out = _fields(draft)
    assert sorted(laid_out) == ["GVCN", "HT"]
    (page,) = {page for page, _, _ in laid_out.values()}  # the year's right-hand page
    _inside_block(draft, page, laid_out["GVCN"][1], GVCN_HINT, version.data["homeroom"])
    _inside_block(draft, page, laid_out["HT"][1], HT_HINT, version.data["principal"])
