"""Unlocked keys for other apps that sign their own documents (the học bạ pages and batches):
the actor's own valid, trusted certificate unlocked once, closed when the work is done; each
signature then goes through the door (`door.sign_document` with `KeyChoice(signer=…)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hoso.signing.documents import ensure_not_revoked, ensure_trusted, open_signer, signature_image
from hoso.signing.models import Certificate, CertKind
from hoso.signing.services.certificates import certificate_for_signing

if TYPE_CHECKING:
    from hoso.signing.engine.signers import HosoSigner


@dataclass(frozen=True)
class SignerHandle:
    """An unlocked key of `certificate`, its owner's signature (or the school's seal) image."""

    certificate: Certificate
    signer: HosoSigner
    image_png: bytes | None


def signer_for(
    *,
    actor: Any,
    kind: str = CertKind.PERSONAL,
    unit: Any = None,
    certificate_id: int | None = None,
    passphrase: str | None = None,
    pin: str | None = None,
) -> SignerHandle:
    """The actor's own valid, trusted certificate (or, with kind=SEAL, the seal of `unit`),
    unlocked with the passphrase or PIN. Raises DomainError with a Vietnamese message."""
    cert = certificate_for_signing(actor=actor, certificate_id=certificate_id, kind=kind, unit=unit)
    ensure_trusted(cert)
    ensure_not_revoked(cert)
    signer = open_signer(cert, passphrase=passphrase, pin=pin)
    return SignerHandle(cert, signer, signature_image(cert))


def signer_close(handle: SignerHandle) -> None:
    """Close a PKCS#11 session opened by `signer_for` (no-op for PKCS#12)."""
    close_key_session(handle.signer)


def close_key_session(signer: HosoSigner) -> None:
    """A PKCS#11 session stays logged in until closed; the token refuses the next login."""
    close = getattr(signer, "close", None)
    if callable(close):
        close()
