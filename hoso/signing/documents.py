"""From a certificate to engine objects: the signer back-end, the checks on the PDF to sign,
the NĐ 30 appearance. No database writes here.

The engine's modules (pyHanko, fontTools) are imported inside the functions that use them: a
web process loads them when it first signs, not when it starts (its memory)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.signing import conf
from hoso.signing.engine.errors import SigningError
from hoso.signing.models import Backend, Certificate, SignatureRecord
from hoso.storage import BlobNotFound, blob_store

if TYPE_CHECKING:
    from hoso.signing.engine.signers import HosoSigner

# Where a role's image goes: the position title printed above the signer's name (NĐ 30).
DEFAULT_ANCHORS: dict[str, list[str]] = {
    "HT": ["HIỆU TRƯỞNG", "BAN GIÁM HIỆU"],
    "PHT": ["PHÓ HIỆU TRƯỞNG", "KT. HIỆU TRƯỞNG"],
    "TTCM": ["TỔ TRƯỞNG", "TỔ TRƯỞNG CHUYÊN MÔN"],
    "GV": ["GIÁO VIÊN", "NGƯỜI LẬP"],
    "AUTHOR": ["NGƯỜI LẬP", "NGƯỜI SOẠN", "GIÁO VIÊN"],
    "GVCN": ["GIÁO VIÊN CHỦ NHIỆM", "GVCN"],
}
POSITION_VN = {
    "HT": "Hiệu trưởng",
    "PHT": "Phó hiệu trưởng",
    "TTCM": "Tổ trưởng chuyên môn",
    "GV": "Giáo viên",
    "GVCN": "Giáo viên chủ nhiệm",
    "AUTHOR": "Người lập",
    "VT": "Văn thư",
    "TP": "Trưởng phòng",
    "PTP": "Phó trưởng phòng",
    "GD": "Giám đốc",
    "PGD": "Phó giám đốc",
    "VT_CQ": "Văn thư",
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
        raise DomainError(_("Không tìm thấy tệp của hồ sơ trong kho lưu trữ.")) from exc


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
        raise DomainError(_("Khóa bí mật không khớp với chứng thư số đã đăng ký."))
    return signer


def _open(cert: Certificate, passphrase: str | None, pin: str | None) -> HosoSigner:
    from hoso.signing.engine.signers import Pkcs11Signer, Pkcs12Signer

    if cert.backend == Backend.PKCS12:
        if not passphrase:
            raise DomainError(
                _("Hãy nhập mật khẩu chứng thư số."), fields={"passphrase": [_("Bắt buộc.")]}
            )
        path = key_path(cert)
        if not path.exists():
            raise DomainError(_("Không tìm thấy tệp khóa (PKCS#12) của chứng thư số trên máy chủ."))
        return Pkcs12Signer(path.read_bytes(), passphrase)
    if cert.backend == Backend.PKCS11:
        if not pin:
            raise DomainError(
                _("Hãy nhập mã PIN của thiết bị ký số."), fields={"pin": [_("Bắt buộc.")]}
            )
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
        _(
            "Chứng thư này nằm trên USB token của bạn: "
            "hãy ký bằng nút «Ký bằng USB token» (HoSo Signer)."
        )
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
            _(
                "Máy chủ chưa cấu hình chứng thư gốc tin cậy (HOSO_SIGNING_TRUST_ANCHORS); chưa "
                "thể ký."
            )
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
            return _(
                "Chứng thư số không thuộc chuỗi tin cậy đã cấu hình "
                "(tổ chức cấp không được công nhận); "
                "không thể ký."
            )
        return exc.message
    return ""


_REVOCATION_SECONDS = 300.0
_revocation_seen: dict[str, tuple[float, str | None]] = {}


def ensure_not_revoked(cert: Certificate) -> str | None:
    """Ask the certificate's CA (OCSP/CRL) whether it is revoked, at every signing level.
    Revoked → refused with the holder's name. Unknown → refused or signed with a warning, as
    the Sở set HOSO_SIGNING_REVOCATION ("refuse" | "warn"). Returns the warning, if any. A
    good or unknown answer is remembered for five minutes (a batch asks once)."""
    import time

    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    from hoso.signing.engine.signers import check_revocation
    from hoso.signing.engine.validate import build_validation_context

    policy = conf.revocation_policy()
    key = f"{cert.fingerprint}:{policy}"
    seen = _revocation_seen.get(key)
    if seen is not None and time.monotonic() - seen[0] < _REVOCATION_SECONDS:
        return seen[1]
    chain = [asn1_x509.Certificate.load(der) for der in chain_der(cert)]
    leaf = asn1_x509.Certificate.load(asn1_pem.unarmor(cert.pem.encode("ascii"))[2])
    # the signer's own status is required; an issuing CA's is used when its CRL answers
    rules = RevocationCheckingPolicy(
        RevocationCheckingRule.CRL_OR_OCSP_REQUIRED, RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    )
    vc = build_validation_context(
        conf.trust_anchors(),
        other_certs=chain + conf.intermediates(),
        allow_fetching=True,
        revocation_mode="hard-fail",
        revinfo_policy=CertRevTrustPolicy(rules),
    )
    try:
        warning = check_revocation(leaf, vc, refuse_unknown=policy == "refuse")
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    _revocation_seen[key] = (time.monotonic(), warning)
    return warning


# --- appearances ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    appearance: Any
    placement: dict[str, Any]
    # the PDF to sign when placing the block changed it (a signature page added), else None
    pdf: bytes | None = None
    # an empty signature field of the document to fill, else None (a new field)
    field_name: str | None = None

    def document(self, pdf: bytes) -> bytes:
        return self.pdf if self.pdf is not None else pdf


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
    """Signature image under the role's title (NĐ 30 Phụ lục I, authority prefixes TM./KT./
    Q./TL./TUQ. recognised); else a text block in free space (never over page content)."""
    from hoso.signing.engine import appearance as ap

    image = signature_image(cert)
    if image is not None:
        titles = getattr(settings, "HOSO_SIGNING_ANCHORS", DEFAULT_ANCHORS).get(role, [])
        try:
            found = ap.signer_appearance_for_titles(pdf, image, list(titles))
        except Exception:  # noqa: BLE001 — unreadable text layer: fall back to a text block
            found = None
        if found is not None:
            box = found.placement
            return Placed(found, {"page": box.page, "box": list(box.box), "image": True})
    lines = [cert.common_name, POSITION_VN.get(role, role), ap.iso_vn_now(when)]
    return _text_block(pdf, lines, index)


def _text_block(pdf: bytes, lines: list[str], index: int) -> Placed:
    from hoso.signing.engine import appearance as ap

    signed = index > 0 or _has_signatures(pdf)
    try:
        out, found = ap.text_block_in_free_space(pdf, lines, signed=signed)
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    place = found.placement
    return Placed(
        found,
        {"page": place.page, "box": list(place.box), "image": False},
        out if out is not pdf else None,
    )


def _has_signatures(pdf: bytes) -> bool:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return any(True for _ in fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # noqa: BLE001 — unreadable: treat as signed (never add a page)
        return True


def seal_appearance(
    pdf: bytes, cert: Certificate, previous: list[SignatureRecord], when: dt.datetime
) -> Placed:
    """Seal over the left third of the last signer image; else the organisation text block."""
    from hoso.signing.engine import appearance as ap

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


# --- signature fields a generated document carries ----------------------------------------------


FieldBox = tuple[int, tuple[float, float, float, float]]


def empty_field_place(pdf: bytes, name: str) -> FieldBox | None:
    """(page, box) of the document's empty, visible signature field `name`, else None."""
    return field_place(pdf, name, signed=False)


def signature_field_names(pdf: bytes) -> set[str]:
    """The names of the document's signature fields, signed or empty ({} when unreadable)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    from hoso.signing.engine import speedups

    try:
        with speedups.signing():
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            return {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    except Exception:  # noqa: BLE001 — unreadable form: as if it had no fields
        return set()


def field_place(pdf: bytes, name: str, *, signed: bool) -> FieldBox | None:
    """(page, box) of the document's visible signature field `name`, signed or still empty
    as asked, else None. Part of the signing path: read with its parser speed-ups."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    from hoso.signing.engine import speedups

    try:
        with speedups.signing():
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            for field_name, value, ref in fields.enumerate_sig_fields(reader, filled_status=signed):
                if field_name == name and bool(value) == signed:
                    return _widget_place(reader, ref)
    except Exception:  # noqa: BLE001 — unreadable form: sign as if there were none
        return None
    return None


def _widget_place(reader: Any, ref: Any) -> FieldBox | None:
    """The page and /Rect of the field's widget (the field itself, merged, or its one kid)."""
    field = ref.get_object()
    widget_ref = ref if "/Rect" in field else (field.get("/Kids") or [None])[0]
    if widget_ref is None:
        return None
    widget = widget_ref.get_object()
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    if x2 - x1 < 1 or y2 - y1 < 1:
        return None  # an invisible field: nowhere to draw
    target = widget_ref.reference
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        annots = page["/Annots"] if "/Annots" in page else []
        if any(getattr(a, "reference", None) == target for a in annots):
            return index, (x1, y1, x2, y2)
    return None


def with_empty_fields(
    pdf: bytes, places: list[tuple[str, int, tuple[float, float, float, float]]]
) -> bytes:
    """`pdf` with an empty signature field per (name, page, box), in one incremental update,
    for the signers of a document made by HoSo (the blocks of its form)."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for name, page, box in places:
        fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=page, box=box))  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
