"""Signing steps of the records workflow: personal signatures (`version_sign`), the school's
seal (`version_seal`) and two-phase signing through the person's own token
(`version_sign_prepare` → `version_sign_complete`).

Every step runs in one transaction: the signed PDF is written to the content-addressed store
(harmless if the transaction rolls back: nothing points at it), the SignatureRecord is created
and the records workflow is told the step is done (hoso.records.services.workflow
.workflow_signing_step_done), which moves the version's pointer and issues it after the last
step. A failure anywhere leaves the version exactly as it was."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError
from hoso.policy import can
from hoso.records.models import Record, RecordVersion, StepAction, Workflow, signing_kind
from hoso.records.services.workflow import NOT_PENDING, acting_step, workflow_signing_step_done
from hoso.signing import conf
from hoso.signing.documents import (
    Placed,
    SignerFailed,
    cert_der,
    chain_der,
    check_signable,
    ensure_not_revoked,
    ensure_trusted,
    open_signer,
    pdf_to_sign,
    read_blob,
    seal_appearance,
    signer_appearance,
)
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.signers import HosoSigner
from hoso.signing.models import Backend, Certificate, CertKind, ExternalSession, SignatureRecord
from hoso.signing.services.certificates import certificate_for_signing
from hoso.signing.services.signers import close_key_session
from hoso.signing.verification import ensure_personal_signatures_valid
from hoso.storage import blob_store

SignerSource = Callable[[Certificate], HosoSigner]
SESSION_TTL = dt.timedelta(minutes=15)


@dataclass
class StepContext:
    record: Record
    workflow: Workflow
    version: RecordVersion
    step: dict[str, Any]


def lock_step(actor: Any, record_id: int, action: str) -> StepContext:
    """Lock the record and its open workflow; the pending step must be `action` and the actor
    must be the one to act. Hidden records answer like missing ones."""
    record = (
        Record.objects.select_for_update(of=("self",))  # not the joined unit rows
        .select_related("unit", "school")
        .filter(pk=record_id)
        .first()
    )
    if record is None or not can(actor, "records.record.view", record):
        from hoso.core.errors import NOT_FOUND_MESSAGE, NotFound

        raise NotFound(NOT_FOUND_MESSAGE)
    workflow = Workflow.objects.select_for_update().filter(record=record, is_open=True).first()
    first = workflow.current_step() if workflow else None
    if workflow is None or first is None or signing_kind(str(first.get("action"))) != action:
        raise Conflict(NOT_PENDING)
    workflow.record = record
    step = acting_step(actor, workflow)  # the actor's step of the stage
    version = RecordVersion.objects.select_for_update().get(pk=workflow.version_id)
    if version.is_issued:
        raise Conflict("Phiên bản này đã ban hành và bị khóa.")
    return StepContext(record, workflow, version, step)


def _role(ctx: StepContext) -> str:
    return str(ctx.step["role"])  # as resolved for the record (a TTCM step may go to the PHT)


def _previous(ctx: StepContext) -> list[SignatureRecord]:
    return list(SignatureRecord.objects.filter(version=ctx.version).order_by("signed_at", "id"))


def _sign_bytes(pdf: bytes, signer: HosoSigner, placed: Placed, *, lock: bool = False) -> bytes:
    from pyhanko.sign.fields import MDPPerm

    from hoso.signing.engine.sign import sign_pdf

    try:
        return sign_pdf(
            placed.document(pdf),
            signer,
            appearance=placed.appearance,
            lock=MDPPerm.FILL_FORMS if lock else None,
            **conf.engine_options(),
        )
    except SigningError as exc:
        raise SignerFailed(exc) from exc


def _detached(ctx: StepContext, signer: HosoSigner) -> str:
    """Files kept in their own format (DOCX, XLSX…) also get a detached CAdES `.p7s`."""
    if ctx.version.kind == "pdf":
        return ""
    from hoso.signing.engine.cades import sign_detached

    try:
        p7s = sign_detached(read_blob(ctx.version.original_sha256), signer, tsa_url=conf.tsa_url())
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    return blob_store().put(io.BytesIO(p7s)).sha256


def _finish(
    ctx: StepContext,
    *,
    actor: Any,
    cert: Certificate,
    action: str,
    input_sha: str,
    signed: bytes,
    placed_info: dict[str, Any],
    detached_sha: str,
    field_name: str,
    now: dt.datetime,
    ip: str,
    level: str | None = None,
    warning: str | None = None,
) -> SignatureRecord:
    ref = blob_store().put(io.BytesIO(signed))
    record = SignatureRecord.objects.create(
        version=ctx.version,
        step=ctx.step["index"],
        role=_role(ctx),
        action=action,
        signer=actor,
        certificate=cert,
        backend=cert.backend,
        level=level or conf.level(),
        field_name=field_name,
        placement=placed_info,
        input_sha256=input_sha,
        output_sha256=ref.sha256,
        detached_sha256=detached_sha,
        signed_at=now,
    )
    audit_log(
        f"signing.version.{'sealed' if action == StepAction.SEAL else 'signed'}",
        actor=actor,
        obj=ctx.version,
        unit_id=ctx.record.school_id,
        ip=ip,
        data={
            "record": ctx.record.pk,
            "version": ctx.version.number,
            "certificate": cert.serial,
            "level": record.level,
            "sha256": ref.sha256,
            "input_sha256": input_sha,
            "backend": cert.backend,
            **({"revocation_warning": warning} if warning else {}),
        },
    )
    record.warning = warning or ""  # type: ignore[attr-defined]
    workflow_signing_step_done(
        actor=actor,
        record_id=ctx.record.pk,
        action=action,
        signed=ref,
        index=ctx.step["index"],
        ip=ip,
    )
    return record


def _field_name(pdf: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from hoso.signing.engine.sign import next_field_name

    try:
        return next_field_name(PdfFileReader(io.BytesIO(pdf), strict=False))
    except Exception as exc:
        raise DomainError("Tệp PDF của hồ sơ bị hỏng; không thể ký.") from exc


def _sign_step(
    *,
    actor: Any,
    record_id: int,
    action: str,
    certificate_id: int | None,
    source: SignerSource,
    ip: str,
    close_signer: bool = True,
) -> SignatureRecord:
    ctx = lock_step(actor, record_id, action)
    is_seal = action == StepAction.SEAL
    cert = certificate_for_signing(
        actor=actor,
        certificate_id=certificate_id,
        kind=CertKind.SEAL if is_seal else CertKind.PERSONAL,
        unit=ctx.record.school if is_seal else None,
    )
    ensure_trusted(cert)
    warning = ensure_not_revoked(cert)
    pdf = pdf_to_sign(ctx.version)
    check_signable(pdf)
    previous = _previous(ctx)
    if is_seal:
        ensure_personal_signatures_valid(ctx.version, pdf, previous)
    signer = source(cert)
    try:
        now = timezone.now()
        placed = (
            seal_appearance(pdf, cert, previous, now)
            if is_seal
            else signer_appearance(pdf, cert, _role(ctx), len(previous), now)
        )
        field_name = _field_name(pdf)
        # the last step (the seal, usually) locks the issued document: only further signatures
        # and validation data may follow (DocMDP P=2 via /Lock)
        signed = _sign_bytes(pdf, signer, placed, lock=_is_last_step(ctx))
        detached_sha = _detached(ctx, signer)
    finally:
        if close_signer:
            close_key_session(signer)
    signed, before_lta = _archive_on_issue(ctx, signed)
    result = _finish(
        ctx,
        actor=actor,
        cert=cert,
        action=action,
        input_sha=_sha(pdf),
        signed=signed,
        placed_info=placed.placement,
        detached_sha=detached_sha,
        field_name=field_name,
        now=now,
        ip=ip,
        warning=warning,
    )
    _remember_archive(ctx, before_lta, signed)
    return result


def _archive_on_issue(ctx: StepContext, signed: bytes) -> tuple[bytes, bytes | None]:
    """The last step issues the version: with a TSA, HoSo adds the validation data of every
    signature and a document time-stamp (PAdES B-LTA). Returns (file, file before it)."""
    from hoso.signing.services.archive import lta_available, lta_on_issue

    if not (_is_last_step(ctx) and lta_available()):
        return signed, None
    try:
        return lta_on_issue(signed), signed
    except SigningError as exc:
        raise SignerFailed(exc) from exc


def _remember_archive(ctx: StepContext, before: bytes | None, after: bytes) -> None:
    if before is None:
        return
    from hoso.signing.models import ArchiveKind
    from hoso.signing.services.archive import record_stamp

    record_stamp(ctx.version, ArchiveKind.ISSUE, before, after)


def _is_last_step(ctx: StepContext) -> bool:
    """The signature about to be made is the chain's last (the stage's last open step)."""
    from hoso.records.chains import stage_of

    others_open = len(ctx.workflow.open_steps) > 1
    stage = stage_of(ctx.workflow.chain, ctx.workflow.step)
    return not others_open and stage[-1] >= len(ctx.workflow.chain) - 1


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _unlock(passphrase: str | None, pin: str | None) -> SignerSource:
    return lambda cert: open_signer(cert, passphrase=passphrase, pin=pin)


@transaction.atomic
def version_sign(
    *,
    actor: Any,
    record_id: int,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    signer: HosoSigner | None = None,
    ip: str = "",
) -> SignatureRecord:
    """The pending personal-signature step, with a server-side key (PKCS#12 or PKCS#11).
    `signer` lets batch signing unlock the key once for many documents."""
    source = (lambda _cert: signer) if signer is not None else _unlock(passphrase, pin)
    return _sign_step(
        actor=actor,
        record_id=record_id,
        action=StepAction.SIGN,
        certificate_id=certificate_id,
        source=source,
        ip=ip,
        close_signer=signer is None,  # a batch's signer is closed by the batch
    )


@transaction.atomic
def version_seal(
    *,
    actor: Any,
    record_id: int,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    signer: HosoSigner | None = None,
    ip: str = "",
) -> SignatureRecord:
    """The organisation signature (văn thư), only after every personal signature verifies.
    `signer` lets a seal batch unlock the school's key once for many documents."""
    source = (lambda _cert: signer) if signer is not None else _unlock(passphrase, pin)
    return _sign_step(
        actor=actor,
        record_id=record_id,
        action=StepAction.SEAL,
        certificate_id=certificate_id,
        source=source,
        ip=ip,
        close_signer=signer is None,
    )


# --- two-phase (the person's own token, through the hoso-signer agent) ---------------------------


@transaction.atomic
def version_sign_prepare(
    *, actor: Any, record_id: int, certificate_id: int | None = None, ip: str = ""
) -> tuple[ExternalSession, bytes]:
    """Phase 1 for the pending sign or seal step: returns the session and the SHA-256 digest
    the token must sign."""
    from hoso.signing.engine.external import prepare_external

    ctx = _lock_any(actor, record_id)
    is_seal = signing_kind(str(ctx.step["action"])) == StepAction.SEAL
    cert = certificate_for_signing(
        actor=actor,
        certificate_id=certificate_id,
        kind=CertKind.SEAL if is_seal else CertKind.PERSONAL,
        unit=ctx.record.school if is_seal else None,
    )
    ensure_trusted(cert)
    ensure_not_revoked(cert)
    pdf = pdf_to_sign(ctx.version)
    check_signable(pdf)
    previous = _previous(ctx)
    if is_seal:
        ensure_personal_signatures_valid(ctx.version, pdf, previous)
    now = timezone.now()
    placed = (
        seal_appearance(pdf, cert, previous, now)
        if is_seal
        else signer_appearance(pdf, cert, _role(ctx), len(previous), now)
    )
    level = conf.level()
    try:
        state, digest = prepare_external(
            placed.document(pdf),
            cert_der(cert),
            chain_der(cert),
            level=level,
            tsa_url=conf.tsa_url(),
            appearance=placed.appearance,
            validation_context=_revocation_context(level),
        )
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    # The state holds a copy of the PDF: keep only live sessions.
    external_sessions_purge(now=now)
    ExternalSession.objects.filter(
        user=actor, record=ctx.record, completed_at__isnull=True
    ).delete()
    session = ExternalSession.objects.create(
        record=ctx.record,
        workflow=ctx.workflow,
        user=actor,
        certificate=cert,
        step=ctx.step["index"],
        input_sha256=_sha(pdf),
        state_json=state.to_json(),
        placement=placed.placement,
        created_at=now,
    )
    return session, digest


def _revocation_context(level: str) -> Any:
    """B-LT fetches OCSP/CRL for the signer's chain, as `_sign_bytes` does for server keys."""
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


def _lock_any(actor: Any, record_id: int) -> StepContext:
    try:
        return lock_step(actor, record_id, StepAction.SIGN)
    except Conflict:
        return lock_step(actor, record_id, StepAction.SEAL)


@transaction.atomic
def version_sign_complete(
    *, actor: Any, record_id: int, session_id: int, signature_b64: str, ip: str = ""
) -> SignatureRecord:
    """Phase 2: embed the token's signature; refused if anything moved since phase 1."""
    from hoso.signing.engine.external import PreparedSignature, complete_external

    if not (0 < record_id < 2**63 and 0 < session_id < 2**63):  # ids beyond 64 bits: no row
        raise Conflict("Phiên ký đã hết hạn hoặc đã dùng; hãy bấm ký lại.")
    session = (
        ExternalSession.objects.select_for_update()
        .filter(pk=session_id, user=actor, record_id=record_id, completed_at__isnull=True)
        .first()
    )
    if session is None or timezone.now() - session.created_at > SESSION_TTL:
        raise Conflict("Phiên ký đã hết hạn hoặc đã dùng; hãy bấm ký lại.")
    ctx = _lock_any(actor, record_id)
    pdf = pdf_to_sign(ctx.version)
    if (
        ctx.workflow.pk != session.workflow_id
        or ctx.step["index"] != session.step
        or _sha(pdf) != session.input_sha256
    ):
        raise Conflict(NOT_PENDING)
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError("Chữ ký gửi lên không đúng định dạng base64.") from exc
    state = PreparedSignature.from_json(session.state_json)
    try:
        signed = complete_external(state, signature, _revocation_context(state.level))
    except SigningError as exc:
        raise SignerFailed(exc) from exc
    signed, before_lta = _archive_on_issue(ctx, signed)
    session.completed_at = timezone.now()
    session.state_json = ""  # the PDF copy is not needed any more
    session.save(update_fields=["completed_at", "state_json"])
    result = _finish(
        ctx,
        actor=actor,
        cert=session.certificate,
        action=signing_kind(str(ctx.step["action"])),
        input_sha=session.input_sha256,
        signed=signed,
        placed_info=session.placement,
        detached_sha="",
        field_name=state.field_name,
        now=session.completed_at,
        ip=ip,
        level=state.level,
    )
    _remember_archive(ctx, before_lta, signed)
    return result


def certificate_backend_label(cert: Certificate) -> str:
    return str(Backend(cert.backend).label)
