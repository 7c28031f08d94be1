"""From a certificate and a record version to engine objects: the signer back-end, the PDF to
sign, the NĐ 30 appearance. No database writes here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from hoso.core.errors import DomainError
from hoso.records.blobs import blob_store
from hoso.records.models import RecordVersion
from hoso.signing import conf
from hoso.signing.engine import appearance as ap
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.signers import HosoSigner, Pkcs11Signer, Pkcs12Signer
from hoso.signing.models import Backend, Certificate, SignatureRecord
from hoso.storage import BlobNotFound

# Where a role's image goes: the position title printed above the signer's name (NĐ 30).
DEFAULT_ANCHORS: dict[str, list[str]] = {
    "HT": ["HIỆU TRƯỞNG"],
    "PHT": ["PHÓ HIỆU TRƯỞNG", "KT. HIỆU TRƯỞNG"],
    "TTCM": ["TỔ TRƯỞNG", "TỔ TRƯỞNG CHUYÊN MÔN"],
    "GV": ["GIÁO VIÊN", "NGƯỜI LẬP"],
}
POSITION_VN = {
    "HT": "Hiệu trưởng",
    "PHT": "Phó hiệu trưởng",
    "TTCM": "Tổ trưởng chuyên môn",
    "GV": "Giáo viên",
    "VT": "Văn thư",
}


class SignerFailed(DomainError):
    """A back-end refused (wrong passphrase/PIN, expired, revoked…); `code` is the engine's."""

    def __init__(self, error: SigningError) -> None:
        super().__init__(error.message)
        self.code = error.code


def read_blob(sha256: str) -> bytes:
    try:
        with blob_store().open(sha256) as fh:
            return fh.read()
    except BlobNotFound as exc:
        raise DomainError("Không tìm thấy tệp của hồ sơ trong kho lưu trữ.") from exc


def pdf_to_sign(version: RecordVersion) -> bytes:
    """The PDF the next signature goes on: the last signed copy, else the PDF rendition, else
    the original when it is a PDF."""
    sha = version.signed_sha256 or version.pdf_sha256
    if not sha and version.kind == "pdf":
        sha = version.original_sha256
    if not sha:
        raise DomainError(
            "Bản PDF của hồ sơ chưa sẵn sàng (đang chuyển đổi); hãy thử lại sau ít phút."
        )
    return read_blob(sha)


def check_signable(pdf: bytes) -> None:
    """Corrupted, encrypted or "no changes"-certified PDFs are refused before any work."""
    from hoso.signing.engine.sign import open_for_signing

    try:
        open_for_signing(pdf)
    except SigningError as exc:
        raise SignerFailed(exc) from exc


def key_path(cert: Certificate) -> Path:
    path = Path(str(cert.key_ref.get("path", "")))
    return path if path.is_absolute() else conf.pki_dir() / path


def open_signer(cert: Certificate, *, passphrase: str | None, pin: str | None) -> HosoSigner:
    """The back-end of `cert`, unlocked with the passphrase (PKCS#12) or PIN (PKCS#11)."""
    try:
        signer = _open(cert, passphrase, pin)
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    if signer.cert.dump() != _der(cert):
        raise DomainError("Khóa bí mật không khớp với chứng thư số đã đăng ký.")
    return signer


def _open(cert: Certificate, passphrase: str | None, pin: str | None) -> HosoSigner:
    if cert.backend == Backend.PKCS12:
        if not passphrase:
            raise DomainError(
                "Hãy nhập mật khẩu chứng thư số.", fields={"passphrase": ["Bắt buộc."]}
            )
        path = key_path(cert)
        if not path.exists():
            raise DomainError("Không tìm thấy tệp khóa (PKCS#12) của chứng thư số trên máy chủ.")
        return Pkcs12Signer(path.read_bytes(), passphrase)
    if cert.backend == Backend.PKCS11:
        if not pin:
            raise DomainError("Hãy nhập mã PIN của thiết bị ký số.", fields={"pin": ["Bắt buộc."]})
        ref = cert.key_ref
        return Pkcs11Signer(
            str(ref.get("module") or getattr(settings, "HOSO_PKCS11_MODULE", "")),
            token_label=ref.get("token_label"),
            pin=pin,
            key_id=bytes.fromhex(ref["key_id"]) if ref.get("key_id") else None,
            key_label=ref.get("key_label"),
            cert_label=ref.get("cert_label"),
        )
    raise DomainError(
        "Chứng thư này nằm trên USB token của bạn: "
        "hãy ký bằng nút «Ký bằng USB token» (HoSo Signer)."
    )


def _der(cert: Certificate) -> bytes:
    from asn1crypto import pem

    return pem.unarmor(cert.pem.encode("ascii"))[2]


def chain_der(cert: Certificate) -> list[bytes]:
    from asn1crypto import pem

    data = cert.chain_pem.encode("ascii")
    if data.strip():
        return [der for _, _, der in pem.unarmor(data, True)]
    # Registered without a chain (e.g. read from a token): complete it from the configured CAs.
    from hoso.signing import conf

    leaf_issuer = _asn1(cert).issuer
    return [c.dump() for c in conf.intermediates() if c.subject == leaf_issuer]


def _asn1(cert: Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(_der(cert))


def cert_der(cert: Certificate) -> bytes:
    return _der(cert)


def ensure_trusted(cert: Certificate) -> None:
    """Refuse a certificate that does not chain to a configured trust anchor (or is revoked
    per the revocation data available offline). Cached per certificate and trust setting."""
    anchors = tuple(str(p) for p in conf.trust_anchor_paths())
    if not anchors:
        raise DomainError(
            "Máy chủ chưa cấu hình chứng thư gốc tin cậy (HOSO_SIGNING_TRUST_ANCHORS); chưa thể ký."
        )
    error = _trust_problem(cert.fingerprint, cert.pem, cert.chain_pem, anchors)
    if error:
        raise DomainError(error)


@lru_cache(maxsize=256)
def _trust_problem(fingerprint: str, pem: str, chain_pem: str, anchors: tuple[str, ...]) -> str:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    from hoso.signing.engine.signers import check_certificate_status
    from hoso.signing.engine.validate import build_validation_context

    leaf = asn1_x509.Certificate.load(asn1_pem.unarmor(pem.encode("ascii"))[2])
    chain = (
        [asn1_x509.Certificate.load(d) for _, _, d in asn1_pem.unarmor(chain_pem.encode(), True)]
        if chain_pem.strip()
        else []
    )
    vc = build_validation_context(conf.trust_anchors(), other_certs=chain + conf.intermediates())
    try:
        check_certificate_status(leaf, vc)
    except SigningError as exc:
        if exc.code == "cert_invalid":
            return (
                "Chứng thư số không thuộc chuỗi tin cậy đã cấu hình "
                "(tổ chức cấp không được công nhận); "
                "không thể ký."
            )
        return exc.message
    return ""


# --- appearances ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    appearance: Any
    placement: dict[str, Any]


def signature_image(cert: Certificate) -> bytes | None:
    """The signature (or seal) PNG registered with the certificate, if any."""
    if not cert.image_sha256:
        return None
    try:
        return read_blob(cert.image_sha256)
    except DomainError:
        return None


def signer_appearance(
    pdf: bytes, cert: Certificate, role: str, index: int, when: dt.datetime
) -> Placed:
    """Signature image under the role's title (NĐ 30 Phụ lục I); else a text block, top right
    of page 1, stacked below earlier ones."""
    image = signature_image(cert)
    if image is not None:
        anchors = getattr(settings, "HOSO_SIGNING_ANCHORS", DEFAULT_ANCHORS).get(role, [])
        for anchor in anchors:
            try:
                found = ap.signer_appearance_at_anchor(pdf, image, anchor=anchor)
            except Exception:  # noqa: BLE001, S112 — no anchor (or unreadable text): try the next
                continue
            box = found.placement
            return Placed(found, {"page": box.page, "box": list(box.box), "image": True})
    lines = [cert.common_name, POSITION_VN.get(role, role), ap.iso_vn_now(when)]
    return _text_block(pdf, lines, index)


def _text_block(pdf: bytes, lines: list[str], index: int) -> Placed:
    width, height = ap.page_size(pdf, 0)
    found = ap.text_block_appearance(
        lines, page_width=width, page_height=height, top_mm=8 + 17 * index
    )
    return Placed(found, {"page": 0, "box": list(found.placement.box), "image": False})


def seal_appearance(
    pdf: bytes, cert: Certificate, previous: list[SignatureRecord], when: dt.datetime
) -> Placed:
    """Seal over the left third of the last signer image; else the organisation text block."""
    image = signature_image(cert)
    last = next((s for s in reversed(previous) if s.placement.get("image")), None)
    if image is not None and last is not None:
        from hoso.signing.engine.sign import FieldPlacement

        signer_box = FieldPlacement(int(last.placement["page"]), tuple(last.placement["box"]))  # type: ignore[arg-type]
        found = ap.seal_appearance(image, signer=signer_box)
        return Placed(
            found, {"page": found.placement.page, "box": list(found.placement.box), "image": True}
        )
    return _text_block(pdf, [cert.common_name, ap.iso_vn_now(when)], len(previous))
