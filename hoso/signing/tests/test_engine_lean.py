"""The lean incremental update (`engine/lean.py`): what it writes validates like pyHanko's."""

import hashlib
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from hoso.signing.engine import appearance as ap
from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.batch import BatchOptions, jobs_for_directory, sign_batch
from hoso.signing.engine.demo_images import demo_signature_png
from hoso.signing.engine.lean import LeanSigner
from hoso.signing.engine.sign import reserve_size, sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator
from hoso.signing.tests.conftest import PASS
from hoso.signing.tests.helpers import assert_all_valid


def _pdf(objects: list[bytes], root: int = 1, xref_gap: bytes = b"") -> bytes:
    """A classic-xref PDF from object bodies numbered 1…n."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    out += xref_gap
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF" % xref  # no newline after %%EOF
    return bytes(out)


CONTENT = b"<< /Length 37 >>\nstream\nBT /F1 24 Tf 72 700 Td (Trang) Tj ET\nendstream"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def nested_inherited_pdf() -> bytes:
    """Catalog → Pages (MediaBox, Resources) → empty Pages → Pages → 2 pages; the pages
    inherit MediaBox and Resources; the first page has a direct /Annots with a link."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [ 3 0 R 4 0 R ] /Count 2 /MediaBox [ 0 0 595 842 ] "
            b"/Resources << /Font << /F1 7 0 R >> >> >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [ ] /Count 0 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [ 5 0 R 8 0 R ] /Count 2 >>",
            b"<< /Type /Page /Parent 4 0 R /Contents 6 0 R "
            b"/Annots [ << /Type /Annot /Subtype /Link /Rect [ 0 0 10 10 ] >> ] >>",
            CONTENT,
            FONT,
            b"<< /Type /Page /Parent 4 0 R /Contents 6 0 R >>",
        ]
    )


@pytest.fixture
def lean(env):
    signer = env.signer(env.principal)
    return LeanSigner(signer.pyhanko_signer, "HieuTruong", reserve_size(signer, "B-B"))


@pytest.fixture
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


def _sign(lean: LeanSigner, pdf: bytes) -> tuple[bytes | None, str | None]:
    out = BytesIO()
    digest = run_sync(lean.sign(BytesIO(pdf), out))
    return (out.getvalue() if digest is not None else None), digest


def test_plain_document_signed_invisibly_validates_with_pyhanko_and_pdfsig(lean, validator):
    pdf = sample_pdf(3, seed=7)
    signed, digest = _sign(lean, pdf)
    assert signed is not None and signed.startswith(pdf)
    assert digest == hashlib.sha256(signed).hexdigest()
    report = assert_all_valid(signed, validator, 1)
    assert report.signatures[0].field_name == "HieuTruong"
    reader = PdfFileReader(BytesIO(signed))
    assert reader.root["/Extensions"]["/ESIC"]["/ExtensionLevel"] == 1
    assert reader.input_version == (1, 7)
    assert reader.root["/AcroForm"]["/SigFlags"] == 3


def test_nested_page_tree_with_inherited_mediabox_keeps_the_existing_annotation(lean, validator):
    pdf = nested_inherited_pdf()
    signed, _ = _sign(lean, pdf)
    assert signed is not None
    assert_all_valid(signed, validator, 1)
    reader = PdfFileReader(BytesIO(signed))
    first = reader.root["/Pages"]["/Kids"][1]["/Kids"][0]
    subtypes = [a.get_object()["/Subtype"] for a in first["/Annots"]]
    assert subtypes == ["/Link", "/Widget"]  # the link kept, the signature field added
    assert "/MediaBox" not in first  # still inherited, not copied down


def test_a_visible_signature_on_top_of_a_lean_one_leaves_both_valid(env, lean, validator):
    signed, _ = _sign(lean, sample_pdf(2, seed=3))
    assert signed is not None
    look = ap.signer_appearance_at_anchor(signed, demo_signature_png("Nguyễn Văn Thêm"))
    both = sign_pdf(signed, env.signer(env.principal), appearance=look, field_name="PhoHT")
    assert_all_valid(both, validator, 2)


@pytest.mark.parametrize(
    "case",
    ["already_signed", "xref_stream", "encrypted", "annots_indirect", "not_pdf"],
)
def test_other_documents_are_left_to_pyhanko_and_nothing_is_written(env, lean, case):
    pdf = _case(env, case)
    out = BytesIO()
    assert run_sync(lean.sign(BytesIO(pdf), out)) is None
    assert out.getvalue() == b""


def _case(env, case: str) -> bytes:
    if case == "already_signed":
        return sign_pdf(sample_pdf(1), env.signer(env.principal))
    if case == "annots_indirect":
        return _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 /MediaBox [ 0 0 595 842 ] >>",
                b"<< /Type /Page /Parent 2 0 R /Annots 4 0 R >>",
                b"[ ]",
            ]
        )
    if case == "not_pdf":
        return b"%PDF-1.4 broken"
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    if case == "xref_stream":
        w = copy_into_new_writer(PdfFileReader(BytesIO(sample_pdf(1))))
        w.stream_xrefs = True
        buf = BytesIO()
        w.write(buf)
        assert PdfFileReader(BytesIO(buf.getvalue())).has_xref_stream
        return buf.getvalue()
    import pikepdf

    buf = BytesIO()
    with pikepdf.open(BytesIO(sample_pdf(1))) as p:
        p.save(buf, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    return buf.getvalue()


def test_batch_signs_lean_and_general_documents_alike(env, lean, tmp_path, validator):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_plain.pdf").write_bytes(sample_pdf(2, seed=1))
    (src / "b_nested.pdf").write_bytes(nested_inherited_pdf())
    (src / "c_signed.pdf").write_bytes(sign_pdf(sample_pdf(1), env.signer(env.teacher)))
    opts = BatchOptions(env.p12(env.principal), PASS, field_name="HieuTruong")
    results = list(sign_batch(jobs_for_directory(src, tmp_path / "out"), opts))
    assert [r.ok for r in results] == [True, True, True]
    for r, expected in zip(results, (1, 1, 2), strict=True):
        data = open(r.target, "rb").read()
        assert r.sha256 == hashlib.sha256(data).hexdigest()
        assert_all_valid(data, validator, expected)
