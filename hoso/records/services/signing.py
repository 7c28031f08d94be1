"""Signing steps of the records workflow: personal signatures (`version_sign`), the school's
seal (`version_seal`) and two-phase signing through the person's own token
(`version_sign_prepare` → `version_sign_complete`).

The signature itself goes through signing's one door (`hoso.signing.services.door`: holder
and trust checks, appearance, engine, stored file); what is the records' own stays here:
locking the step, the SignatureRecord of the version, the audit entry, and telling the
workflow the step is done (`workflow_signing_step_done`), which moves the version's pointer
and issues it after the last step. Every step runs in one transaction: a failure anywhere
leaves the version exactly as it was (a stored blob nothing points at is harmless)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotFound
from hoso.policy import can
from hoso.records.chains import signature_field
from hoso.records.models import (
    SUBJECT_TEACHERS,
    Record,
    RecordVersion,
    StepAction,
    Workflow,
    signing_kind,
)
from hoso.records.services.workflow import NOT_PENDING, acting_step, workflow_signing_step_done
from hoso.records.subjects import taught_in, to_sign
from hoso.signing.documents import read_blob, signature_field_names
from hoso.signing.models import ArchiveKind, Backend, Certificate, ExternalSession, SignatureRecord
from hoso.signing.services import door
from hoso.signing.services.archive import record_stamp
from hoso.signing.verification import validator

if TYPE_CHECKING:
    from hoso.signing.engine.signers import HosoSigner

SESSION_TTL = door.SESSION_TTL
EXPIRED_SESSION = gettext_lazy("Phiên ký đã hết hạn hoặc đã dùng; hãy bấm ký lại.")


@dataclass
class StepContext:
    record: Record
    workflow: Workflow
    version: RecordVersion
    step: dict[str, Any]
    part: str = ""  # on a subject teachers' step: the subject this signature is for


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
        raise NotFound(NOT_FOUND_MESSAGE)
    workflow = Workflow.objects.select_for_update().filter(record=record, is_open=True).first()
    first = workflow.current_step() if workflow else None
    if workflow is None or first is None or signing_kind(str(first.get("action"))) != action:
        raise Conflict(NOT_PENDING)
    workflow.record = record
    step = acting_step(actor, workflow)  # the actor's step of the stage
    version = RecordVersion.objects.select_for_update().get(pk=workflow.version_id)
    if version.is_issued:
        raise Conflict(_("Phiên bản này đã ban hành và bị khóa."))
    parts = _parts_of(actor, record, step)
    return StepContext(record, workflow, version, step, parts[0] if parts else "")


def _parts_of(actor: Any, record: Record, step: dict[str, Any]) -> list[str]:
    """On a subject teachers' step: the actor's subjects of the class not yet signed, in the
    book's order (each is one signature, in that subject's block)."""
    if step["role"] != SUBJECT_TEACHERS:
        return []
    left = to_sign(record.unit_id, record.school_year_id, step.get("signed") or {})
    return [t.code for t in left if t.teacher_id == actor.pk]


def pdf_to_sign(version: RecordVersion) -> bytes:
    """The PDF the next signature goes on: the last signed copy, else the PDF rendition, else
    the original when it is a PDF."""
    sha = version.signed_sha256 or version.pdf_sha256
    if not sha and version.kind == "pdf":
        sha = version.original_sha256
    if not sha:
        raise DomainError(
            _("Bản PDF của hồ sơ chưa sẵn sàng (đang chuyển đổi); hãy thử lại sau ít phút.")
        )
    return read_blob(sha)


def ensure_personal_signatures_valid(
    version: RecordVersion, pdf: bytes, previous: list[SignatureRecord]
) -> None:
    """The seal goes only on a document whose personal signatures all verify (NĐ 30 Điều 5:
    the organisation signs what the competent person has signed)."""
    if not previous:
        raise DomainError(_("Chưa có chữ ký cá nhân nào trên tài liệu; không thể đóng dấu."))
    if version.signed_sha256 and hashlib.sha256(pdf).hexdigest() != version.signed_sha256:
        raise DomainError(
            _("Tệp đã ký trong kho không khớp mã SHA-256 HoSo lưu; không thể đóng dấu.")
        )
    report = validator().validate(pdf)
    if len(report.signatures) < len(previous):
        raise DomainError(_("Tài liệu thiếu chữ ký cá nhân so với lịch sử ký; không thể đóng dấu."))
    bad = [s for s in report.signatures if not s.bottom_line]
    if bad:
        raise DomainError(
            _("Chưa thể đóng dấu: %(reasons)s") % {"reasons": "; ".join(s.verdict for s in bad)}
        )


def _role(ctx: StepContext) -> str:
    return str(ctx.step["role"])  # as resolved for the record (a TTCM step may go to the PHT)


def _previous(ctx: StepContext) -> list[SignatureRecord]:
    return list(SignatureRecord.objects.filter(version=ctx.version).order_by("signed_at", "id"))


@dataclass(frozen=True)
class _StepRequest:
    """What the door needs for the step: whose key, where the block goes, what to check."""

    holder: door.Holder
    appearance: door.Appearance
    before: door.Check | None


def _step_request(ctx: StepContext, action: str) -> _StepRequest:
    previous = _previous(ctx)
    if action == StepAction.SEAL:
        return _StepRequest(
            door.Holder.seal_of(ctx.record.school),
            door.SealBlock(previous),
            lambda pdf: ensure_personal_signatures_valid(ctx.version, pdf, previous),
        )
    block = door.PersonalBlock(_role(ctx), len(previous))
    field = signature_field(_role(ctx), ctx.part)
    before = (lambda pdf: ensure_subject_block(ctx, pdf, field)) if ctx.part else None
    return _StepRequest(door.Holder(), door.PresetField(field, block), before)


def ensure_subject_block(ctx: StepContext, pdf: bytes, field: str) -> None:
    """A book laid out with a block per subject (its empty fields GVBM-<subject>) has no page
    for a subject assigned to the class after it was made: that teacher's signature would
    land outside the book's form. Refused, with what to do; the other subjects sign on."""
    names = signature_field_names(pdf)
    prefix = signature_field(SUBJECT_TEACHERS, "")
    if field in names or not any(name.startswith(f"{prefix}-") for name in names):
        return
    subject = next(
        (
            t.name
            for t in taught_in(ctx.record.unit_id, ctx.record.school_year_id)
            if t.code == ctx.part
        ),
        ctx.part,
    )
    raise DomainError(
        _(
            "Sổ này được lập trước khi môn «%(subject)s» được phân công cho lớp, nên chưa có "
            "trang của môn này để ký. Hãy trả lại sổ (ghi lý do này) để người lập sổ lập lại "
            "sổ có trang môn «%(subject)s»."
        )
        % {"subject": subject}
    )


def _finish(
    ctx: StepContext, doc: door.SignedDocument, *, actor: Any, action: str, ip: str
) -> SignatureRecord:
    """The records side of a signature: its row, the audit entry, the chain moved on (issued
    after the last step), and the archive time-stamp remembered."""
    record = SignatureRecord.objects.create(
        version=ctx.version,
        step=ctx.step["index"],
        role=_role(ctx),
        action=action,
        signer=actor,
        certificate=doc.certificate,
        backend=doc.certificate.backend,
        level=doc.level,
        field_name=doc.field_name,
        placement=doc.placement,
        input_sha256=doc.input_sha256,
        output_sha256=doc.sha256,
        detached_sha256=doc.detached_sha256,
        signed_at=doc.signed_at,
    )
    door.audit_signed(
        doc,
        action=f"signing.version.{'sealed' if action == StepAction.SEAL else 'signed'}",
        actor=actor,
        obj=ctx.version,
        unit_id=ctx.record.school_id,
        ip=ip,
        data={"record": ctx.record.pk, "version": ctx.version.number},
    )
    record.warning = doc.warning or ""  # type: ignore[attr-defined]
    workflow_signing_step_done(
        actor=actor,
        record_id=ctx.record.pk,
        action=action,
        signed=doc.stored,
        index=ctx.step["index"],
        part=ctx.part,
        ip=ip,
    )
    if doc.before_archive is not None:
        record_stamp(ctx.version, ArchiveKind.ISSUE, doc.before_archive, doc.pdf)
    return record


def _sign_step(
    *, actor: Any, record_id: int, action: str, key: door.KeyChoice, ip: str
) -> SignatureRecord:
    ctx = lock_step(actor, record_id, action)
    pdf = pdf_to_sign(ctx.version)
    request = _step_request(ctx, action)
    last = _is_last_step(ctx)
    doc = door.sign_document(
        actor=actor,
        pdf=pdf,
        holder=request.holder,
        key=key,
        appearance=request.appearance,
        before=request.before,
        # the last step (the seal, usually) locks the issued document: only further signatures
        # and validation data may follow (DocMDP P=2 via /Lock); it is archived (B-LTA)
        lock=last,
        archive=last,
        detached_of=None if ctx.version.kind == "pdf" else read_blob(ctx.version.original_sha256),
    )
    return _finish(ctx, doc, actor=actor, action=action, ip=ip)


def _is_last_step(ctx: StepContext) -> bool:
    """The signature about to be made is the chain's last (the stage's last open step)."""
    from hoso.records.chains import stage_of

    others_open = len(ctx.workflow.open_steps) > 1
    if ctx.step["role"] == SUBJECT_TEACHERS:  # other subjects may still wait for a signature
        signed = ctx.step.get("signed") or {}
        others_open = others_open or len(to_sign(ctx.record.unit_id, _year(ctx), signed)) > 1
    stage = stage_of(ctx.workflow.chain, ctx.workflow.step)
    return not others_open and stage[-1] >= len(ctx.workflow.chain) - 1


def _year(ctx: StepContext) -> int:
    return int(ctx.record.school_year_id)


def _key(
    passphrase: str | None, pin: str | None, certificate_id: int | None, signer: HosoSigner | None
) -> door.KeyChoice:
    # a batch's signer is closed by the batch
    return door.KeyChoice(certificate_id, passphrase, pin, signer, close=signer is None)


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
    `signer` lets batch signing unlock the key once for many documents. A subject teacher
    signs each of their subjects' lists in the one act (one signature per subject block)."""
    key = _key(passphrase, pin, certificate_id, signer)
    done = _sign_step(actor=actor, record_id=record_id, action=StepAction.SIGN, key=key, ip=ip)
    while done.role == SUBJECT_TEACHERS and _part_left(actor, record_id):
        done = _sign_step(actor=actor, record_id=record_id, action=StepAction.SIGN, key=key, ip=ip)
    return done


def _part_left(actor: Any, record_id: int) -> bool:
    """The actor still has a subject to sign on the record's open subject teachers' step."""
    try:
        return bool(lock_step(actor, record_id, StepAction.SIGN).part)
    except DomainError:
        return False


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
    key = _key(passphrase, pin, certificate_id, signer)
    return _sign_step(actor=actor, record_id=record_id, action=StepAction.SEAL, key=key, ip=ip)


# --- two-phase (the person's own token, through the hoso-signer agent) ---------------------------


@transaction.atomic
def version_sign_prepare(
    *, actor: Any, record_id: int, certificate_id: int | None = None, ip: str = ""
) -> tuple[ExternalSession, bytes]:
    """Phase 1 for the pending sign or seal step: returns the session and the SHA-256 digest
    the token must sign."""
    ctx = _lock_any(actor, record_id)
    pdf = pdf_to_sign(ctx.version)
    request = _step_request(ctx, signing_kind(str(ctx.step["action"])))
    prepared = door.prepare_document(
        actor=actor,
        pdf=pdf,
        holder=request.holder,
        certificate_id=certificate_id,
        appearance=request.appearance,
        before=request.before,
    )
    # The state holds a copy of the PDF: keep only live sessions.
    door.external_sessions_purge(now=prepared.prepared_at)
    ExternalSession.objects.filter(
        user=actor, record=ctx.record, completed_at__isnull=True
    ).delete()
    session = ExternalSession.objects.create(
        record=ctx.record,
        workflow=ctx.workflow,
        user=actor,
        certificate=prepared.certificate,
        step=ctx.step["index"],
        input_sha256=prepared.input_sha256,
        state_json=prepared.state_json,
        placement=prepared.placement,
        created_at=prepared.prepared_at,
    )
    return session, prepared.digest


def external_sessions_purge(*, now: Any = None) -> int:
    """Kept for the callers of the records steps; the sessions are signing's (`door`)."""
    return door.external_sessions_purge(now=now)


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
    if not (0 < record_id < 2**63 and 0 < session_id < 2**63):  # ids beyond 64 bits: no row
        raise Conflict(EXPIRED_SESSION)
    session = (
        ExternalSession.objects.select_for_update()
        .filter(pk=session_id, user=actor, record_id=record_id, completed_at__isnull=True)
        .first()
    )
    if session is None or timezone.now() - session.created_at > SESSION_TTL:
        raise Conflict(EXPIRED_SESSION)
    ctx = _lock_any(actor, record_id)
    pdf = pdf_to_sign(ctx.version)
    if (
        ctx.workflow.pk != session.workflow_id
        or ctx.step["index"] != session.step
        or hashlib.sha256(pdf).hexdigest() != session.input_sha256
    ):
        raise Conflict(NOT_PENDING)
    doc = door.complete_document(
        certificate=session.certificate,
        state_json=session.state_json,
        signature_b64=signature_b64,
        placement=session.placement,
        input_sha256=session.input_sha256,
        archive=_is_last_step(ctx),
    )
    session.completed_at = doc.signed_at
    session.state_json = ""  # the PDF copy is not needed any more
    session.save(update_fields=["completed_at", "state_json"])
    action = signing_kind(str(ctx.step["action"]))
    return _finish(ctx, doc, actor=actor, action=action, ip=ip)


def certificate_backend_label(cert: Certificate) -> str:
    return str(Backend(cert.backend).label)
