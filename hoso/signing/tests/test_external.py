import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from hoso.signing.engine import appearance as ap
from hoso.signing.engine.demo_images import demo_signature_png
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.external import PreparedSignature, complete_external, prepare_external
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator
from hoso.signing.tests.helpers import assert_all_valid


def _der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def _token_sign(issued, digest: bytes) -> bytes:
    """Stands in for the user's token: RSA PKCS#1 v1.5 over a precomputed SHA-256."""
    return issued.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))


@pytest.fixture(scope="module")
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


@pytest.mark.parametrize("level", ["B-B", pytest.param("B-T", marks=pytest.mark.slow)])
def test_two_phase_with_state_round_trip(env, validator, level):
    pdf = sample_pdf(1)
    look = ap.signer_appearance_at_anchor(pdf, demo_signature_png("Nguyễn Văn Thêm"))
    state, digest = prepare_external(
        pdf,
        _der(env.principal.cert),
        [_der(c) for c in env.ca.chain],
        level=level,
        tsa_url=env.services.tsa_url,
        appearance=look,
        field_name="HieuTruong",
    )
    assert len(digest) == 32
    stored = state.to_json()  # what the server keeps between the two HTTP calls
    signed = complete_external(
        PreparedSignature.from_json(stored), _token_sign(env.principal, digest)
    )
    sig = assert_all_valid(signed, validator, 1).signatures[0]
    assert sig.field_name == "HieuTruong"
    assert (sig.timestamp_valid is True) == (level == "B-T")


def test_wrong_signature_is_refused_without_output(env):
    state, digest = prepare_external(sample_pdf(1), _der(env.principal.cert))
    with pytest.raises(SigningError) as err:
        complete_external(state, _token_sign(env.teacher, digest))  # someone else's key
    assert err.value.code == "bad_signature"


def test_expired_certificate_refused_at_prepare(env):
    with pytest.raises(SigningError) as err:
        prepare_external(sample_pdf(1), _der(env.expired.cert))
    assert err.value.code == "cert_expired"
