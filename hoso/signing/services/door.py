"""The one signing door: every PDF HoSo signs (a record version, a học bạ, a biên bản tiêu hủy)
goes through here, whatever the document is.

Given the actor, the PDF, whose key it must be (the actor's own, or a unit's seal) and how the
key is reached, `sign_document` checks the holder and the trust (registered to the holder,
valid, trusted and not revoked at signing time), places the appearance, calls the engine,
optionally adds the archive time-stamp (B-LTA) and stores the signed file. The caller keeps
what is its own (locking its step, its rows, finishing its chain) and writes the audit entry
with `audit_signed` once its rows exist. Two-phase signing (the person's own token through the
agent, remote signing) goes through `prepare_document` → `complete_document`.

No database writes here except the blob store: callers run inside their own transaction."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.signing import conf
from hoso.signing.documents import (
    Placed,
    SignerFailed,
    cert_der,
    chain_der,
    check_signable,
    empty_field_place,
    ensure_not_revoked,
    ensure_trusted,
    field_place,
    open_signer,
    seal_appearance,
    signer_appearance,
)
from hoso.signing.engine.errors import SigningError
from hoso.signing.models import Certificate, CertKind, ExternalSession, SignatureRecord
from hoso.signing.services.certificates import certificate_for_signing, certificate_of_signer
from hoso.signing.services.signers import close_key_session
from hoso.storage import BlobRef, blob_store

if TYPE_CHECKING:
    from hoso.signing.engine.signers import HosoSigner

SESSION_TTL = dt.timedelta(minutes=15)
Check = Callable[[bytes], None]


# --- the request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Whose key signs: the actor's own (PERSONAL) or the seal of `unit` (SEAL), which only
    those the policy lets use the unit's seal may reach (`certificate_for_signing`)."""

    kind: str = CertKind.PERSONAL
    unit: Any = None

    @classmethod
    def seal_of(cls, unit: Any) -> Holder:
        return cls(CertKind.SEAL, unit)

    @property
    def is_seal(self) -> bool:
        return self.kind == CertKind.SEAL


@dataclass(frozen=True)
class KeyChoice:
    """How the key is reached: a registered certificate (by id, else the holder's usable one)
    unlocked with its passphrase (PKCS#12) or PIN (PKCS#11); or a key already unlocked
    (`signer`: a batch unlocks once; a key given for one signature), whose certificate must
    be registered to the holder. `close`: end the key's session after signing."""

    certificate_id: int | None = None
    passphrase: str | None = None
    pin: str | None = None
    signer: HosoSigner | None = None
    close: bool = True


class Appearance(Protocol):
    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed: ...


@dataclass(frozen=True)
class PersonalBlock:
    """The signer's image under the role's title, else a text block (NĐ 30)."""

    role: str
    index: int = 0  # signatures already on the document

    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed:
        return signer_appearance(pdf, cert, self.role, self.index, when)


@dataclass(frozen=True)
class PresetField:
    """The signer's image in the document's own empty signature field `name` (a generated book
    carries one in each signer's block: `with_signature_fields`); without such a field the
    `fallback` appearance in a new field. `image`: the one the caller holds for this signature
    (a batch's key), else the certificate's registered image; without any image, the
    `fallback`. With `bare` the caller's image is the only one: without it the field is signed
    with nothing drawn in it (and no empty field is left on the form)."""

    name: str
    fallback: Appearance
    image: bytes | None = None
    bare: bool = False

    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed:
        from hoso.signing.documents import signature_image
        from hoso.signing.engine import appearance as ap

        found = empty_field_place(pdf, self.name)
        if found is None:
            return self.fallback.place(pdf, cert, when)
        page, box = found
        image = self.image if self.image is not None or self.bare else signature_image(cert)
        if image is None and self.bare:
            nothing = ap.empty_appearance(page=page, box=box)
            return Placed(
                nothing, {"page": page, "box": list(box), "image": False}, field_name=self.name
            )
        if image is None:
            return self.fallback.place(pdf, cert, when)
        drawn = ap.signer_appearance(image, page=page, box=box)
        placement = {"page": page, "box": list(box), "image": True}
        return Placed(drawn, placement, field_name=self.name)


@dataclass(frozen=True)
class SealBlock:
    """The seal over the last signer's image, else the organisation's text block."""

    previous: list[SignatureRecord]

    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed:
        return seal_appearance(pdf, cert, self.previous, when)


@dataclass(frozen=True)
class SealOverField:
    """The seal `image` over the left third of the image in the document's signed field `name`
    (the last signer's: NĐ 30), in a field of its own; without that field, the `fallback`."""

    name: str
    image: bytes
    fallback: Appearance

    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed:
        from hoso.signing.engine import appearance as ap
        from hoso.signing.engine.sign import FieldPlacement

        found = field_place(pdf, self.name, signed=True)
        if found is None:
            return self.fallback.place(pdf, cert, when)
        page, box = found
        drawn = ap.seal_appearance(self.image, signer=FieldPlacement(page, box))
        return Placed(drawn, {"page": page, "box": list(drawn.placement.box), "image": True})


@dataclass(frozen=True)
class AnchoredImage:
    """`image` under the line `anchor` of the document's own form; with `seal`, the seal over
    that place. Without an image: an invisible signature."""

    anchor: str
    image: bytes | None
    seal: bool = False

    def place(self, pdf: bytes, cert: Certificate, when: dt.datetime) -> Placed:
        from hoso.signing.engine import appearance as ap

        if self.image is None:
            return Placed(None, {})
        try:
            found = ap.signer_appearance_at_anchor(pdf, self.image, anchor=self.anchor)
            if self.seal:
                found = ap.seal_appearance(self.image, signer=found.placement)
        except SigningError as exc:
            raise SignerFailed(exc) from exc
        box = found.placement
        return Placed(found, {"page": box.page, "box": list(box.box), "image": True})


@dataclass
class SignedDocument:
    """What the door made: the signed file (stored), and what the caller records about it."""

    pdf: bytes
    stored: BlobRef
    input_sha256: str
    certificate: Certificate
    placement: dict[str, Any]
    field_name: str
    level: str
    signed_at: dt.datetime
    warning: str | None = None
    before_archive: bytes | None = None  # the file before the archive time-stamp, if added
    detached_sha256: str = ""

    @property
    def sha256(self) -> str:
        return self.stored.sha256


# --- signing with a key HoSo reaches -----------------------------------------------------------


def signing_certificate(
    *, actor: Any, holder: Holder, key: KeyChoice
) -> tuple[Certificate, str | None]:
    """The holder rule: the certificate that signs, registered to the holder, active, valid
    now, trusted and not revoked. Returns it and the revocation warning, if any."""
    if key.signer is not None and key.certificate_id is None:
        cert = certificate_of_signer(
            actor=actor, signer_cert=key.signer.cert, kind=holder.kind, unit=holder.unit
        )
        return cert, None
    cert = certificate_for_signing(
        actor=actor, certificate_id=key.certificate_id, kind=holder.kind, unit=holder.unit
    )
    ensure_trusted(cert)
    return cert, ensure_not_revoked(cert)


def sign_document(
    *,
    actor: Any,
    pdf: bytes,
    holder: Holder,
    key: KeyChoice,
    appearance: Appearance,
    before: Check | None = None,
    attachment: Any = None,
    lock: bool = False,
    archive: bool = False,
    detached_of: bytes | None = None,
) -> SignedDocument:
    """Sign `pdf` for `actor`. `before(pdf)` runs the caller's own check once the key holder is
    known (e.g. the seal only over valid personal signatures); `lock` certifies the document
    (DocMDP: only signatures and validation data may follow); `archive` adds the B-LTA
    archive time-stamp when a TSA is configured; `detached_of` also gets a detached CAdES
    signature (files kept in their own format). Any refusal raises a DomainError."""
    cert, warning = signing_certificate(actor=actor, holder=holder, key=key)
    check_signable(pdf)
    if before is not None:
        before(pdf)
    signer = key.signer if key.signer is not None else _open(cert, key)
    try:
        now = timezone.now()
        placed = appearance.place(pdf, cert, now)
        field_name = placed.field_name or _field_name(pdf)
        signed = _engine_sign(placed.document(pdf), signer, placed, field_name, attachment, lock)
        detached = _detached(detached_of, signer) if detached_of is not None else ""
    finally:
        if key.close:
            close_key_session(signer)
    signed, before_lta = _archived(signed) if archive else (signed, None)
    return SignedDocument(
        pdf=signed,
        stored=blob_store().put(io.BytesIO(signed)),
        input_sha256=_sha(pdf),
        certificate=cert,
        placement=placed.placement,
        field_name=field_name,
        level=conf.level(),
        signed_at=now,
        warning=warning,
        before_archive=before_lta,
        detached_sha256=detached,
    )


def _open(cert: Certificate, key: KeyChoice) -> HosoSigner:
    return open_signer(cert, passphrase=key.passphrase, pin=key.pin)


def _engine_sign(
    pdf: bytes, signer: HosoSigner, placed: Placed, field_name: str, attachment: Any, lock: bool
) -> bytes:
    from pyhanko.sign.fields import MDPPerm

    from hoso.signing.engine.sign import sign_pdf

    try:
        return sign_pdf(
            pdf,
            signer,
            appearance=placed.appearance,
            field_name=field_name,
            attachment=attachment,
            lock=MDPPerm.FILL_FORMS if lock else None,
            **conf.engine_options(),
        )
    except SigningError as exc:
        raise SignerFailed(exc) from exc


def _detached(data: bytes, signer: HosoSigner) -> str:
    from hoso.signing.engine.cades import sign_detached

    try:
        p7s = sign_detached(data, signer, tsa_url=conf.tsa_url())
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    return blob_store().put(io.BytesIO(p7s)).sha256


def _archived(signed: bytes) -> tuple[bytes, bytes | None]:
    """With a TSA: the validation data of every signature and a document time-stamp (PAdES
    B-LTA). Returns (file, file before it); without a TSA the file is unchanged."""
    from hoso.signing.services.archive import lta_available, lta_on_issue

    if not lta_available():
        return signed, None
    try:
        return lta_on_issue(signed), signed
    except SigningError as exc:
        raise SignerFailed(exc) from exc


def _field_name(pdf: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from hoso.signing.engine import speedups
    from hoso.signing.engine.sign import next_field_name

    try:
        with speedups.signing():  # the signing path's own reads
            return next_field_name(PdfFileReader(io.BytesIO(pdf), strict=False))
    except Exception as exc:
        raise DomainError(_("Tệp PDF bị hỏng; không thể ký.")) from exc


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_signed(
    doc: SignedDocument,
    *,
    action: str,
    actor: Any,
    obj: Any,
    unit_id: int | None,
    ip: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The audit entry of a signature, in the caller's transaction: what was signed with which
    certificate, the caller's own facts (`data`) first."""
    audit_log(
        action,
        actor=actor,
        obj=obj,
        unit_id=unit_id,
        ip=ip,
        data={
            "certificate": doc.certificate.serial,
            "level": doc.level,
            "sha256": doc.sha256,
            "input_sha256": doc.input_sha256,
            "backend": doc.certificate.backend,
            **(data or {}),
            **({"revocation_warning": doc.warning} if doc.warning else {}),
        },
    )


# --- two-phase: the key stays with its holder (USB token through the agent, remote) -------------


@dataclass(frozen=True)
class PreparedDocument:
    certificate: Certificate
    state_json: str
    digest: bytes
    placement: dict[str, Any]
    input_sha256: str
    prepared_at: dt.datetime


def prepare_document(
    *,
    actor: Any,
    pdf: bytes,
    holder: Holder,
    certificate_id: int | None,
    appearance: Appearance,
    before: Check | None = None,
) -> PreparedDocument:
    """Phase 1: the same checks and appearance as `sign_document`; returns the state to keep
    and the SHA-256 digest the holder's key must sign."""
    from hoso.signing.engine.external import prepare_external

    cert, _warning = signing_certificate(
        actor=actor, holder=holder, key=KeyChoice(certificate_id=certificate_id)
    )
    check_signable(pdf)
    if before is not None:
        before(pdf)
    now = timezone.now()
    placed = appearance.place(pdf, cert, now)
    level = conf.level()
    try:
        state, digest = prepare_external(
            placed.document(pdf),
            cert_der(cert),
            chain_der(cert),
            level=level,
            tsa_url=conf.tsa_url(),
            appearance=placed.appearance,
            field_name=placed.field_name,
            validation_context=_revocation_context(level),
        )
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    return PreparedDocument(cert, state.to_json(), digest, placed.placement, _sha(pdf), now)


def complete_document(
    *,
    certificate: Certificate,
    state_json: str,
    signature_b64: str,
    placement: dict[str, Any],
    input_sha256: str,
    archive: bool = False,
) -> SignedDocument:
    """Phase 2: embed the holder's signature in the prepared document and store it."""
    from hoso.signing.engine.external import PreparedSignature, complete_external

    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError(_("Chữ ký gửi lên không đúng định dạng base64.")) from exc
    state = PreparedSignature.from_json(state_json)
    try:
        signed = complete_external(state, signature, _revocation_context(state.level))
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    signed, before_lta = _archived(signed) if archive else (signed, None)
    return SignedDocument(
        pdf=signed,
        stored=blob_store().put(io.BytesIO(signed)),
        input_sha256=input_sha256,
        certificate=certificate,
        placement=placement,
        field_name=state.field_name,
        level=state.level,
        signed_at=timezone.now(),
        before_archive=before_lta,
    )


def _revocation_context(level: str) -> Any:
    """B-LT fetches OCSP/CRL for the signer's chain, as `sign_pdf` does for server keys."""
    if level != "B-LT":
        return None
    from hoso.signing.engine.validate import build_validation_context

    return build_validation_context(
        conf.trust_anchors(), other_certs=conf.intermediates(), allow_fetching=True
    )


def external_sessions_purge(*, now: dt.datetime | None = None) -> int:
    """Delete two-phase sessions past their lifetime (prepared, never completed: a closed tab,
    an agent that went away); each holds a copy of the PDF. Returns how many went."""
    cutoff = (now or timezone.now()) - SESSION_TTL
    deleted, _ = ExternalSession.objects.filter(created_at__lt=cutoff).delete()
    return int(deleted)


# --- documents HoSo makes ------------------------------------------------------------------------


def with_signature_fields(
    pdf: bytes, places: list[tuple[str, int, tuple[float, float, float, float]]]
) -> bytes:
    """A document HoSo generates (a school book) with one empty signature field per signer's
    block of its form: (name, 0-based page, box in points from the bottom left). The step
    signing as `name` fills it (`PresetField`), so the signature lands where the form puts it
    with no search through the text. Nothing is signed here."""
    from hoso.signing.documents import with_empty_fields

    if not places:
        return pdf
    return with_empty_fields(pdf, places)


# --- verification ------------------------------------------------------------------------------


def verify_document(pdf: bytes) -> dict[str, Any]:
    """The report on a signed PDF: every signature against the configured trust anchors, and
    whether HoSo made (and still holds) that file."""
    from hoso.signing.verification import validate_pdf

    return validate_pdf(pdf)
