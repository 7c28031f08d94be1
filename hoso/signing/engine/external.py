"""External two-phase signing: the key stays on the user's token or a remote signing service.

    state, digest = prepare_external(pdf, cert_der, chain_der)     # server, HTTP call 1
    signature = <token signs digest>                               # user's computer / CSC API
    signed_pdf = complete_external(state, signature, vc)           # server, HTTP call 2

B-LT (revocation data embedded) is B-T plus, at completion, pyHanko's DSS update: the signer's
and the time-stamp authority's chains are validated with fetching allowed and the OCSP
responses / CRLs collected are written into the document security store in an incremental
update, as the server backends do (`sign.build_pdf_signer` with `embed_validation_info`).

`state` serialises to JSON (`to_json` / `from_json`) so the server can keep it between calls.
Built on pyHanko's interrupted signing (`async_digest_doc_for_signing`, `PdfTBSDocument`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import load_der_x509_certificate
from django.utils.translation import gettext as _
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from hoso.signing.engine import speedups
from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import build_pdf_signer, next_field_name, open_for_signing
from hoso.signing.engine.signers import check_certificate_status, check_validity_period


@dataclass
class PreparedSignature:
    """Everything `complete_external` needs; JSON-serialisable."""

    prepared_pdf_b64: str
    document_digest_b64: str
    reserved_region_start: int
    reserved_region_end: int
    signed_attrs_b64: str
    cert_b64: str
    chain_b64: list[str]
    level: str
    tsa_url: str | None
    field_name: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> PreparedSignature:
        return cls(**json.loads(text))


class _CertHolder:
    """Adapter so `build_pdf_signer` can take a bare `ExternalSigner`."""

    def __init__(self, signer: ExternalSigner, cert: asn1_x509.Certificate) -> None:
        self.pyhanko_signer = signer
        self.cert = cert


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _external_signer(
    cert: asn1_x509.Certificate, chain: list[asn1_x509.Certificate], signature: bytes | int
) -> ExternalSigner:
    return ExternalSigner(cert, SimpleCertificateStore.from_certs(chain), signature_value=signature)


# A batch prepares many documents for one certificate (a principal's 40 records, one remote
# confirmation). Kept per certificate, bounded: the parsed certificate and chain, and the
# PAdES signed attributes, which differ from one document to the next only by the document's
# digest (PAdES puts no signing time in them), so they are formatted by pyHanko once and the
# digest is spliced in afterwards.
_MAX_KEPT = 32
_PARSED: dict[tuple[bytes, ...], tuple[asn1_x509.Certificate, list[asn1_x509.Certificate]]] = {}
_ATTRS: dict[bytes, tuple[bytes, int]] = {}
_CONSTANT_ATTRS = {"content_type", "signing_certificate_v2", "cms_algorithm_protection"}


def _parsed(
    cert_der: bytes, chain_der: Sequence[bytes]
) -> tuple[asn1_x509.Certificate, list[asn1_x509.Certificate]]:
    key = (cert_der, *chain_der)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _MAX_KEPT:
            _PARSED.clear()
        found = _PARSED[key] = (
            asn1_x509.Certificate.load(cert_der),
            [asn1_x509.Certificate.load(c) for c in chain_der],
        )
    return found


def _signed_attrs_der(ext: ExternalSigner, cert_der: bytes, digest: bytes) -> bytes:
    """DER of the PAdES signed attributes over `digest`, as pyHanko formats them."""
    key = hashlib.sha256(cert_der).digest()
    kept = _ATTRS.get(key)
    if kept is not None and len(digest) == 32:
        der, at = kept
        return der[:at] + digest + der[at + 32 :]
    attrs = run_sync(ext.signed_attrs(digest, "sha256", use_pades=True))
    der = attrs.dump()
    types = {a["type"].native for a in attrs}
    if types - {"message_digest"} <= _CONSTANT_ATTRS and der.count(digest) == 1:
        if len(_ATTRS) >= _MAX_KEPT:
            _ATTRS.clear()
        _ATTRS[key] = (der, der.index(digest))
    return der


async def _digest_document(pdf_signer: Any, writer: Any, reserve: int) -> Any:
    with speedups.signing():  # our parser speed-ups, as for the server-side signature
        return await pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=reserve)


def prepare_external(
    pdf: bytes,
    cert_der: bytes,
    chain_der: Sequence[bytes] = (),
    *,
    level: str = "B-B",
    tsa_url: str | None = None,
    appearance: Any = None,
    field_name: str | None = None,
    validation_context: ValidationContext | None = None,
) -> tuple[PreparedSignature, bytes]:
    """Phase 1: reserve the signature in the PDF; return the state and the SHA-256 to sign.

    With a `validation_context` the certificate's revocation status is checked first, so a
    revoked certificate is refused before the token is asked to sign (B-LT needs one)."""
    if level not in ("B-B", "B-T", "B-LT"):
        raise SigningError(_("Ký hai bước hỗ trợ mức B-B, B-T và B-LT."), "level_unsupported")
    if level != "B-B" and not tsa_url:
        raise SigningError(
            _("Cần địa chỉ dịch vụ cấp dấu thời gian (TSA) cho mức ký này."), "no_tsa"
        )
    if level == "B-LT" and validation_context is None:
        raise SigningError(_("Mức B-LT cần ngữ cảnh kiểm tra thu hồi (OCSP/CRL)."), "no_revocation")
    cert, chain = _parsed(cert_der, chain_der)
    check_validity_period(cert)
    if validation_context is not None:
        check_certificate_status(cert, validation_context)
    writer = open_for_signing(pdf)
    field_name = field_name or next_field_name(writer.prev)
    ext = _external_signer(cert, chain, cert.public_key.byte_size)
    pdf_signer = build_pdf_signer(
        _CertHolder(ext, cert),
        field_name=field_name,
        placement=getattr(appearance, "placement", None),
        stamp_style=getattr(appearance, "stamp_style", None),
    )
    reserve = 2 * (
        sum(len(c) for c in chain_der) + len(cert_der) + 2_000 + 8_000 * (level != "B-B")
    )
    prep, _tbs, output = run_sync(_digest_document(pdf_signer, writer, reserve))
    attrs_der = _signed_attrs_der(ext, cert_der, prep.document_digest)
    state = PreparedSignature(
        prepared_pdf_b64=_b64(output.getvalue()),  # type: ignore[attr-defined]
        document_digest_b64=_b64(prep.document_digest),
        reserved_region_start=prep.reserved_region_start,
        reserved_region_end=prep.reserved_region_end,
        signed_attrs_b64=_b64(attrs_der),
        cert_b64=_b64(cert_der),
        chain_b64=[_b64(c) for c in chain_der],
        level=level,
        tsa_url=tsa_url,
        field_name=field_name,
    )
    return state, hashlib.sha256(attrs_der).digest()


def verify_raw_signature(cert_der: bytes, digest: bytes, signature: bytes) -> None:
    """Check the token's signature over `digest` before embedding it."""
    key = load_der_x509_certificate(cert_der).public_key()
    prehashed = _prehashed()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, digest, padding.PKCS1v15(), prehashed)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, digest, ec.ECDSA(prehashed))
        else:
            raise SigningError(_("Loại khóa của chứng thư số chưa được hỗ trợ."), "key_unsupported")
    except InvalidSignature as exc:
        raise SigningError(
            _("Chữ ký nhận từ thiết bị không khớp với chứng thư số đã chọn."), "bad_signature"
        ) from exc


def _prehashed() -> Any:
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    return Prehashed(hashes.SHA256())


def complete_external(
    state: PreparedSignature,
    signature: bytes,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Phase 2: embed the signature (and time-stamp for B-T / B-LT; for B-LT also the
    revocation information, fetched through `validation_context`); returns the signed PDF."""
    b = base64.b64decode
    cert_der = b(state.cert_b64)
    attrs_der = b(state.signed_attrs_b64)
    verify_raw_signature(cert_der, hashlib.sha256(attrs_der).digest(), signature)
    cert = asn1_x509.Certificate.load(cert_der)
    chain = [asn1_x509.Certificate.load(b(c)) for c in state.chain_b64]
    ext = _external_signer(cert, chain, signature)
    if state.level == "B-LT" and validation_context is None:
        raise SigningError(_("Mức B-LT cần ngữ cảnh kiểm tra thu hồi (OCSP/CRL)."), "no_revocation")
    timestamper = HTTPTimeStamper(state.tsa_url, timeout=10) if state.level != "B-B" else None
    output = BytesIO(b(state.prepared_pdf_b64))
    prep = PreparedByteRangeDigest(
        document_digest=b(state.document_digest_b64),
        reserved_region_start=state.reserved_region_start,
        reserved_region_end=state.reserved_region_end,
    )
    try:
        run_sync(_finish(ext, attrs_der, timestamper, output, prep))
        if state.level == "B-LT":
            assert validation_context is not None
            return _add_revocation_info(output.getvalue(), state.field_name, validation_context)
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(
            _("Không hoàn tất được chữ ký: %(exc)s") % {"exc": exc}, "complete_failed"
        ) from exc
    return output.getvalue()


def _add_revocation_info(signed: bytes, field_name: str, vc: ValidationContext) -> bytes:
    """B-LT: an incremental update with the DSS (certificates, OCSP responses, CRLs) of the
    signature in `field_name` and of its time-stamp token."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko.sign.validation.dss import async_add_validation_info

    reader = PdfFileReader(BytesIO(signed), strict=False)
    embedded = next(s for s in reader.embedded_signatures if s.field_name == field_name)
    out = BytesIO()
    run_sync(run_and_release(async_add_validation_info(embedded, vc, output=out), vc))
    return out.getvalue()


async def _finish(
    ext: ExternalSigner,
    attrs_der: bytes,
    timestamper: Any,
    output: BytesIO,
    prep: PreparedByteRangeDigest,
) -> None:
    sig_cms = await ext.async_sign_prescribed_attributes(
        "sha256", signed_attrs=cms.CMSAttributes.load(attrs_der), timestamper=timestamper
    )
    await PdfTBSDocument.async_finish_signing(output, prep, sig_cms)
