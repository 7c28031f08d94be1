import json
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from hoso.signing.engine import pki
from hoso.signing.engine.localservices import to_asn1_cert
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, pdfsig_all_intact


@pytest.fixture(scope="module")
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


@pytest.fixture(scope="module")
def signed(env):
    return sign_pdf(sample_pdf(1), env.signer(env.principal), field_name="HieuTruong")


def test_report_serialises_to_json_with_vietnamese(validator, signed):
    data = json.loads(validator.validate(signed).to_json())
    sig = data["signatures"][0]
    assert sig["signer_name"] == "Nguyễn Văn Thêm"
    assert sig["verdict"].startswith("HỢP LỆ")
    assert sig["cert_valid_at_signing"] is True
    assert len(data["sha256"]) == 64


def test_flipped_byte_inside_signed_range_is_invalid(validator, signed):
    pos = signed.index(b"ReportLab") + 2  # inside the first signed byte range
    tampered = signed[:pos] + bytes([signed[pos] ^ 0x01]) + signed[pos + 1 :]
    report = validator.validate(tampered)
    assert report.signatures[0].intact is False
    assert report.all_valid is False
    assert report.signatures[0].verdict.startswith("KHÔNG HỢP LỆ")
    assert not pdfsig_all_intact(tampered)


def _incremental(pdf: bytes, edit) -> bytes:
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    edit(w)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def test_page_content_added_after_signing_is_detected(validator, signed):
    def add_text(w):
        page = w.root["/Pages"]["/Kids"][0].get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 20 Tf 100 100 Td (GIA MAO) Tj ET")
        page["/Contents"] = generic.ArrayObject([page["/Contents"], w.add_object(stream)])
        w.update_container(page)

    report = validator.validate(_incremental(signed, add_text))
    sig = report.signatures[0]
    assert sig.intact is True and sig.bottom_line is False
    assert sig.modification_level == "OTHER"
    assert "thay đổi không được phép" in sig.verdict


def test_info_only_edit_passes_pyhanko_but_is_exposed(validator, signed):
    def retitle(w):
        w.set_info(
            generic.DictionaryObject(
                {generic.NameObject("/Title"): generic.TextStringObject("Sửa")}
            )
        )

    edited = _incremental(signed, retitle)
    before, after = validator.validate(signed), validator.validate(edited)
    assert after.signatures[0].bottom_line is True  # pyHanko accepts /Info edits
    assert after.signatures[0].covers_whole_file is False
    assert after.changed_after_last_signature is True
    assert after.sha256 != before.sha256
    assert "SHA-256" in after.verdict


def test_untrusted_root_is_reported_not_trusted(env, signed):
    other = pki.create_demo_ca()
    report = PdfValidator([to_asn1_cert(other.root.cert)]).validate(signed)
    sig = report.signatures[0]
    assert sig.intact and not sig.trusted
    assert sig.verdict.startswith("CHƯA TIN CẬY")


def test_unsigned_and_garbage_input(validator):
    assert validator.validate(sample_pdf(1)).verdict == "Tệp không có chữ ký số."
    assert validator.validate(b"not a pdf").error is not None
