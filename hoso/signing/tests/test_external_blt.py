"""Two-phase signing at PAdES B-LT: the revocation information of the signer's chain (from the
demo PKI's local OCSP/CRL responder) is embedded in the DSS, as the server backends do."""

from __future__ import annotations

from io import BytesIO

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.external import PreparedSignature, complete_external, prepare_external
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, build_validation_context, pdfsig_all_intact

pytestmark = pytest.mark.slow


def _der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def _vc(env, **kw):
    return build_validation_context(
        env.roots, other_certs=env.intermediates, allow_fetching=True, **kw
    )


def _blt(env, issued, pdf):
    state, digest = prepare_external(
        pdf,
        _der(issued.cert),
        [_der(c) for c in env.ca.chain],
        level="B-LT",
        tsa_url=env.services.tsa_url,
        validation_context=_vc(env),
    )
    token_signature = issued.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    return complete_external(
        PreparedSignature.from_json(state.to_json()), token_signature, _vc(env)
    )


def test_two_phase_b_lt_embeds_ocsp_in_the_dss(env):
    # Given a PDF, when the person's token signs it in two phases at B-LT
    pdf = sample_pdf(1)
    signed = _blt(env, env.principal, pdf)
    # then poppler calls the signature intact, and the DSS written after it holds the OCSP
    # responses of the signer's chain,
    assert pdfsig_all_intact(signed, 1)
    assert b"/DSS" in signed[len(pdf) :]
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(signed), strict=False))
    assert len(dss.ocsps) >= 1
    assert len(dss.certs) >= 3  # signer, issuing CA, root (and the TSA's)
    # so pyHanko validates it offline, requiring revocation data, from the document alone.
    offline = PdfValidator(env.roots, other_certs=env.intermediates, revocation_mode="hard-fail")
    sig = offline.validate(signed).signatures[0]
    assert sig.bottom_line, sig.verdict
    assert sig.timestamp_valid is True


def test_two_phase_b_lt_refuses_a_revoked_certificate_before_the_token_signs(env):
    with pytest.raises(SigningError) as err:
        prepare_external(
            sample_pdf(1),
            _der(env.revoked.cert),
            [_der(c) for c in env.ca.chain],
            level="B-LT",
            tsa_url=env.services.tsa_url,
            validation_context=_vc(env, revocation_mode="hard-fail"),
        )
    assert err.value.code == "cert_revoked"
    assert "thu hồi" in err.value.message


def test_b_lt_without_revocation_context_is_refused(env):
    with pytest.raises(SigningError) as err:
        prepare_external(
            sample_pdf(1), _der(env.principal.cert), level="B-LT", tsa_url=env.services.tsa_url
        )
    assert err.value.code == "no_revocation"
