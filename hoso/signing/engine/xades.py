"""XAdES signatures on an XML document signed by several people in turn (học bạ số).

The signed file is an envelope holding the data element and one `ds:Signature` per signer,
in signing order:

    <HocBaKySo xmlns="urn:hoso:hoc-ba:1">
      <HocBa Id="HocBa">…</HocBa>                           the data, never changed again
      <ds:Signature Id="…">  #HocBa                         1st signer (GVCN)
      <ds:Signature Id="…">  #HocBa + the 1st signature     2nd signer (hiệu trưởng)
      <ds:Signature Id="…">  #HocBa + the 2nd signature     the school's seal
    </HocBaKySo>

Each signature references the data element by its Id (not the whole document), so a later
signature leaves the earlier ones valid; each also covers the signature before it, so the order
cannot be changed without breaking a signature. XAdES-BES signed properties (signing time,
SigningCertificateV2, the signer's role) come from signxml; the raw signature comes from the
signer's own key through pyHanko's `Signer.async_sign_raw`, so a key in a token never leaves it.
Debian's `xmlsec1 --verify` checks each signature independently (tests)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.hashes import HashAlgorithm
from django.utils.translation import gettext as _
from lxml import etree
from signxml import SignatureReference
from signxml.algorithms import SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature
from signxml.xades import XAdESDataObjectFormat, XAdESSigner, XAdESVerifier
from signxml.xades.xades import XAdESSignatureConfiguration

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.signers import HosoSigner, cert_display_name

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
DATA_ID = "HocBa"
_NS = {"ds": DS, "xades": XADES}


class SignerKey:
    """The private-key face signxml calls (`sign(data, padding, algorithm)`), backed by a
    pyHanko signer: PKCS#12 in memory, PKCS#11 token, or any other back-end HoSo signs with."""

    def __init__(self, signer: HosoSigner) -> None:
        self._signer = signer.pyhanko_signer
        public = x509.load_der_x509_certificate(signer.cert.dump()).public_key()
        self.key_size = (
            public.key_size
            if isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
            else 0
        )
        self.is_ec = isinstance(public, ec.EllipticCurvePublicKey)

    def sign(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        algorithm = kwargs.get("algorithm") or _hash_of(kwargs.get("signature_algorithm"))
        name = algorithm.name if isinstance(algorithm, HashAlgorithm) else "sha256"
        return run_sync(self._signer.async_sign_raw(data, name))


def _hash_of(signature_algorithm: Any) -> Any:
    return getattr(signature_algorithm, "algorithm", None)


def envelope(data_xml: bytes, *, container: str) -> bytes:
    """Wrap an unsigned data document into the signing envelope (idempotent: an envelope is
    returned unchanged). `container` is the envelope's local name in the data's namespace."""
    root = _parse(data_xml)
    if root.find("ds:Signature", _NS) is not None or etree.QName(root).localname == container:
        return data_xml
    namespace = etree.QName(root).namespace
    outer = etree.Element(f"{{{namespace}}}{container}", nsmap={None: namespace})
    root.set("Id", DATA_ID)
    outer.append(root)
    return etree.tostring(outer, xml_declaration=True, encoding="utf-8")


def sign_xml(xml: bytes, signer: HosoSigner, *, role: str, description: str) -> bytes:
    """Add one XAdES-BES signature by `signer` after those already in the envelope `xml`."""
    root = _parse(xml)
    if root.find(f".//*[@Id='{DATA_ID}']") is None:
        raise SigningError(_("Tệp XML không có phần dữ liệu để ký."), "bad_xml")
    previous = root.findall("ds:Signature", _NS)
    references = [SignatureReference(URI=f"#{DATA_ID}")]
    if previous:
        references.append(SignatureReference(URI=f"#{previous[-1].get('Id')}"))
    key = SignerKey(signer)
    xades = XAdESSigner(
        claimed_roles=[role],
        data_object_format=XAdESDataObjectFormat(Description=description, MimeType="text/xml"),
        signature_algorithm=SignatureMethod.ECDSA_SHA256
        if key.is_ec
        else SignatureMethod.RSA_SHA256,
    )
    chain = [x509.load_der_x509_certificate(signer.cert.dump())]
    try:
        signed = xades.sign(
            root,
            key=key,  # type: ignore[arg-type]
            cert=chain,
            reference_uri=references,  # type: ignore[arg-type]
            always_add_key_value=False,
        )
    except (InvalidInput, ValueError) as exc:
        raise SigningError(_("Không ký được tệp XML học bạ."), "xml_sign_failed") from exc
    return etree.tostring(signed, xml_declaration=True, encoding="utf-8")


@dataclass(frozen=True)
class XmlSignatureCheck:
    """One signature of the envelope: who, in which role, and whether it verifies."""

    signer: str
    role: str
    signed_at: str
    ok: bool
    problem: str
    certificate: asn1_x509.Certificate | None


def verify_xml(xml: bytes) -> list[XmlSignatureCheck]:
    """Check every signature of the envelope on its own: the data and the signature before it
    unchanged, the value made by the key of the certificate it carries. Trust in the
    certificate is the caller's question (as for PDFs: `hoso.signing.verification`)."""
    root = _parse(xml)
    signatures = root.findall("ds:Signature", _NS)
    return [_check_one(root, index, len(signatures)) for index in range(len(signatures))]


def _check_one(root: etree._Element, index: int, total: int) -> XmlSignatureCheck:
    """signxml verifies the first signature it finds: verify a copy in which this signature is
    the first child and the later ones are gone (neither is part of what it signed)."""
    work = copy.deepcopy(root)
    signatures = work.findall("ds:Signature", _NS)
    for later in signatures[index + 1 :]:
        work.remove(later)
    mine = signatures[index]
    work.remove(mine)
    work.insert(0, mine)
    cert = _certificate_in(mine)
    role = _text(mine, ".//xades:ClaimedRole")
    signed_at = _text(mine, ".//xades:SigningTime")
    name = cert_display_name(_to_asn1(cert)) if cert is not None else ""
    expected = 3 if index == 0 else 4  # data (+ previous signature) + properties + KeyInfo
    try:
        if cert is None:
            raise InvalidInput("no certificate")
        XAdESVerifier().verify(
            work,
            x509_cert=cert,
            expect_config=XAdESSignatureConfiguration(expect_references=expected),
        )
        _check_references(mine, index, signatures)
    except (InvalidSignature, InvalidDigest, InvalidInput, ValueError) as exc:
        return XmlSignatureCheck(name, role, signed_at, False, _problem(exc), _to_asn1(cert))
    return XmlSignatureCheck(name, role, signed_at, True, "", _to_asn1(cert))


def _check_references(mine: etree._Element, index: int, signatures: list[Any]) -> None:
    uris = [r.get("URI") for r in mine.findall("ds:SignedInfo/ds:Reference", _NS)]
    wanted = {f"#{DATA_ID}"} | ({f"#{signatures[index - 1].get('Id')}"} if index else set())
    if not wanted <= set(uris):
        raise InvalidSignature(_("chữ ký không phủ phần dữ liệu hoặc chữ ký trước nó"))


def _problem(exc: Exception) -> str:
    if isinstance(exc, InvalidDigest):
        return _("Nội dung đã bị thay đổi sau khi ký.")
    if isinstance(exc, InvalidSignature):
        return _("Giá trị chữ ký không khớp với chứng thư số.")
    return _("Chữ ký XML không đúng cấu trúc.")


def _certificate_in(signature: etree._Element) -> x509.Certificate | None:
    node = signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)
    if node is None or not node.text:
        return None
    try:
        pem = "-----BEGIN CERTIFICATE-----\n" + node.text.strip() + "\n-----END CERTIFICATE-----\n"
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None


def _to_asn1(cert: x509.Certificate | None) -> asn1_x509.Certificate | None:
    if cert is None:
        return None
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, _NS)
    return (found.text or "").strip() if found is not None else ""


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SigningError(_("Tệp XML không đọc được."), "bad_xml") from exc
