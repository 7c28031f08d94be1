import datetime as dt
from io import BytesIO

import pikepdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.signers import Pkcs12Signer
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, build_validation_context
from hoso.signing.tests.helpers import assert_all_valid


@pytest.fixture(scope="module")
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


@pytest.fixture(scope="module")
def pdf():
    return sample_pdf(2)


def test_b_b_signature_is_valid_for_pyhanko_and_pdfsig(env, validator, pdf):
    signed = sign_pdf(pdf, env.signer(env.principal), field_name="HieuTruong")
    report = assert_all_valid(signed, validator, 1)
    sig = report.signatures[0]
    assert sig.signer_name == "Nguyễn Văn Thêm"
    assert sig.covers_whole_file
    assert sig.chain == ["Nguyễn Văn Thêm", "HoSo Demo CA cấp chứng thư", "HoSo Demo CA gốc"]
    assert signed.startswith(pdf)  # incremental update: original bytes untouched


def test_teacher_leader_principal_seal_all_stay_valid(env, validator, pdf):
    doc = pdf
    for person, field in [
        (env.teacher, "GiaoVien"),
        (env.leader, "ToTruong"),
        (env.principal, "HieuTruong"),
        (env.seal, "DongDau"),
    ]:
        doc = sign_pdf(doc, env.signer(person), field_name=field)
    report = assert_all_valid(doc, validator, 4)
    assert [s.field_name for s in report.signatures] == [
        "GiaoVien",
        "ToTruong",
        "HieuTruong",
        "DongDau",
    ]
    assert [s.modification_level for s in report.signatures[:3]] == ["FORM_FILLING"] * 3
    assert report.signatures[-1].covers_whole_file
    assert report.verdict.startswith("HỢP LỆ")


@pytest.mark.slow
def test_b_t_uses_trusted_timestamp(env, validator, pdf):
    signed = sign_pdf(pdf, env.signer(env.principal), level="B-T", tsa_url=env.services.tsa_url)
    sig = assert_all_valid(signed, validator, 1).signatures[0]
    assert sig.timestamp_valid is True
    assert sig.signing_time_source == "timestamp"
    assert sig.signing_time.endswith("+07:00")


@pytest.mark.slow
def test_b_lt_embeds_revocation_info(env, pdf):
    vc = build_validation_context(env.roots, other_certs=env.intermediates, allow_fetching=True)
    signed = sign_pdf(
        pdf,
        env.signer(env.principal),
        level="B-LT",
        tsa_url=env.services.tsa_url,
        validation_context=vc,
    )
    assert b"/DSS" in signed[len(pdf) :]
    offline = PdfValidator(env.roots, other_certs=env.intermediates, revocation_mode="hard-fail")
    report = offline.validate(signed)
    assert report.signatures[0].bottom_line, report.signatures[0].verdict


def test_wrong_passphrase_is_a_clear_error(env):
    with pytest.raises(SigningError) as err:
        Pkcs12Signer(env.p12(env.teacher), "sai")
    assert err.value.code == "bad_passphrase"
    assert "Mật khẩu" in err.value.message


@pytest.mark.parametrize(
    ("who", "code", "words"),
    [
        ("expired", "cert_expired", "đã hết hạn"),
        ("future", "cert_not_yet_valid", "chưa đến thời hạn"),
    ],
)
def test_out_of_period_certificates_are_refused(env, who, code, words):
    with pytest.raises(SigningError) as err:
        env.signer(getattr(env, who))
    assert err.value.code == code
    assert words in err.value.message


def test_revoked_certificate_is_refused_before_signing(env, pdf):
    vc = build_validation_context(
        env.roots, other_certs=env.intermediates, allow_fetching=True, revocation_mode="hard-fail"
    )
    with pytest.raises(SigningError) as err:
        sign_pdf(pdf, env.signer(env.revoked), validation_context=vc)
    assert err.value.code == "cert_revoked"
    assert "thu hồi" in err.value.message


def test_encrypted_pdf_is_refused(env, pdf):
    out = BytesIO()
    with pikepdf.open(BytesIO(pdf)) as p:
        p.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    with pytest.raises(SigningError) as err:
        sign_pdf(out.getvalue(), env.signer(env.teacher))
    assert err.value.code == "encrypted_pdf"


def test_certified_no_changes_pdf_is_refused(env, pdf):
    p12 = env.signer(env.principal)
    meta = signers.PdfSignatureMetadata(
        field_name="ChungNhan", certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES
    )
    locked = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=p12.pyhanko_signer
    ).getvalue()
    with pytest.raises(SigningError) as err:
        sign_pdf(locked, env.signer(env.teacher))
    assert err.value.code == "locked_pdf"


def test_failure_yields_no_output_and_leaves_input_untouched(env, pdf):
    original = bytes(pdf)
    with pytest.raises(SigningError):
        sign_pdf(pdf, env.signer(env.teacher), level="B-T", tsa_url="http://127.0.0.1:9/tsa")
    assert pdf == original


def test_signing_time_recorded_in_vietnam_offset(env, validator, pdf):
    signed = sign_pdf(pdf, env.signer(env.teacher))
    when = validator.validate(signed).signatures[0].signing_time
    parsed = dt.datetime.fromisoformat(when)
    assert parsed.utcoffset() == dt.timedelta(hours=7)
