"""Batch signing: one passphrase/PIN entry, many records, each signed completely or left
unchanged; progress kept in the database so it survives closing the tab.

The passphrase must reach the background worker: it is encrypted (Fernet, key derived from
SECRET_KEY) on the batch row only while the batch runs, and wiped when it ends.

Crash safety. Each item is signed in ONE transaction with its own status (and the
SignatureRecord it produced): a worker killed mid-item leaves that document exactly as it was
and the item pending. The recovery sweep (hoso.ops.recovery) re-queues batches whose worker went
silent; the re-run skips finished items, recognises a document this batch already signed (its
SignatureRecord by the same person and certificate since the batch started) and resumes with
the encrypted passphrase while it is younger than SECRET_TTL. Older, or without a usable
passphrase, the remaining items end failed with INTERRUPTED ("hãy ký lại") and the secret is
wiped: nothing is ever signed twice, and nothing stays "running" forever."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.services import audit_log
from hoso.core import secrets
from hoso.core.errors import DomainError
from hoso.core.retry import any_database_error, retry_transaction
from hoso.core.scheduling import beat, silent_jobs
from hoso.signing.documents import open_signer
from hoso.signing.models import (
    Backend,
    BatchStatus,
    ItemStatus,
    SignatureRecord,
    SignBatch,
    SignBatchItem,
)
from hoso.signing.selectors import seal_queue, sign_queue
from hoso.signing.services.certificates import certificate_for_signing
from hoso.signing.services.signers import close_key_session
from hoso.signing.work import work

MAX_BATCH = 500
RETRIES = 3
# How long the encrypted passphrase may wait for a resumed run; after that, "sign again".
SECRET_TTL = dt.timedelta(hours=1)
INTERRUPTED = gettext_lazy(
    "Bị gián đoạn: máy chủ dừng khi đang ký lô này và không còn mật khẩu để ký tiếp. "
    "Hồ sơ này chưa được ký — hãy ký lại."
)
KEY_GONE = gettext_lazy(
    "Không còn mật khẩu của lô ký (lô đã kết thúc hoặc khóa máy chủ đã đổi). "
    "Hồ sơ này chưa được ký — hãy ký lại."
)


SEALED_FOR = "hoso-signing-batch"


def approved_this_week(user: Any) -> list[int]:
    return work().approved_this_week(user)


@transaction.atomic
def batch_start(
    *,
    actor: Any,
    record_ids: list[int] | None = None,
    this_week: bool = False,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    seal: bool = False,
    ip: str = "",
) -> SignBatch:
    """Check the key once (wrong passphrase ⇒ nothing queued), then queue the batch. With
    `seal`, the văn thư seals the chosen records of one school with that school's seal."""
    if this_week and not seal:
        record_ids = approved_this_week(actor)
    ids = list(dict.fromkeys(record_ids or []))
    pending = dict(
        (seal_queue if seal else sign_queue)(actor)
        .filter(record_id__in=ids)
        .values_list("record_id", "record__school_id")
    )
    ids = [i for i in ids if i in pending][:MAX_BATCH]
    if not ids:
        what = _("đóng dấu") if seal else _("ký")
        raise DomainError(
            _("Không có hồ sơ nào đang chờ bạn %(what)s trong lựa chọn này.") % {"what": what}
        )
    schools = {school for i in ids if (school := pending[i])} if seal else None
    cert = _batch_certificate(actor, certificate_id, schools)
    if cert.backend == Backend.EXTERNAL:
        raise DomainError(
            _("Ký hàng loạt bằng USB token thực hiện trên trình duyệt, qua HoSo Signer.")
        )
    open_signer(cert, passphrase=passphrase, pin=pin)  # raises on a wrong passphrase/PIN
    secret = secrets.seal(SEALED_FOR, passphrase or pin or "")
    batch = SignBatch.objects.create(
        user=actor,
        certificate=cert,
        action="seal" if seal else "sign",
        status=BatchStatus.QUEUED,
        total=len(ids),
        secret=secret,
        created_at=timezone.now(),
    )
    SignBatchItem.objects.bulk_create([SignBatchItem(batch=batch, record_id=i) for i in ids])
    audit_log("signing.batch.started", actor=actor, obj=batch, ip=ip, data={"records": ids})
    from hoso.signing.tasks import run_sign_batch

    transaction.on_commit(lambda: run_sign_batch(batch.pk))
    return batch


def _batch_certificate(actor: Any, certificate_id: int | None, schools: set[int] | None) -> Any:
    """The actor's own certificate; for a seal batch, the seal of the one school involved."""
    if schools is None:
        return certificate_for_signing(actor=actor, certificate_id=certificate_id)
    if len(schools) != 1:
        raise DomainError(_("Mỗi lần đóng dấu hàng loạt chỉ cho hồ sơ của một trường."))
    from hoso.org.models import Unit
    from hoso.signing.models import CertKind

    school = Unit.objects.get(pk=schools.pop())
    return certificate_for_signing(
        actor=actor, certificate_id=certificate_id, kind=CertKind.SEAL, unit=school
    )


def batch_run(*, batch_id: int) -> SignBatch | None:
    """Sign every pending item (idempotent: finished items are skipped, a document this batch
    already signed is not signed again). The key is unlocked once."""
    batch = SignBatch.objects.select_related("user", "certificate").filter(pk=batch_id).first()
    if batch is None or batch.status == BatchStatus.DONE:
        return batch
    beat(SignBatch, batch.pk, status=BatchStatus.RUNNING)
    signer, error = _unlock(batch)
    try:
        pending = batch.items.filter(status=ItemStatus.PENDING).order_by("id")
        for item_id in list(pending.values_list("id", flat=True)):
            _sign_item(batch, item_id, signer, error)
            beat(SignBatch, batch.pk)
    finally:
        if signer is not None:
            close_key_session(signer)  # a PKCS#11 session stays logged in until closed
    return _finish(batch)


def _sign_item(batch: SignBatch, item_id: int, signer: Any, error: str) -> None:
    """One item in one transaction. A deadlock or a locked database rolls the whole item back:
    it is tried again (RETRIES times in all) before it counts as failed."""
    try:
        retry_transaction(
            lambda: _sign_item_once(batch, item_id, signer, error),
            attempts=RETRIES,
            retry_on=any_database_error,
        )
    except OperationalError as exc:
        _item_failed(
            batch,
            item_id,
            _("Lỗi cơ sở dữ liệu tạm thời (%(name)s); hãy ký lại.")
            % {"name": exc.__class__.__name__},
        )


def _sign_item_once(batch: SignBatch, item_id: int, signer: Any, error: str) -> None:
    try:
        with transaction.atomic():
            item = SignBatchItem.objects.select_for_update().get(pk=item_id)
            if item.status != ItemStatus.PENDING:  # another run of this batch got here first
                return
            earlier = _signed_by_this_batch(batch, item)
            if earlier is not None:
                _item_done(batch, item, ItemStatus.DONE, "", earlier)
                return
            if signer is None:
                raise DomainError(error)
            signature = work().sign_step(
                actor=batch.user,
                object_id=item.record_id,
                seal=batch.is_seal,
                certificate_id=batch.certificate_id,
                signer=signer,
            )
            _item_done(batch, item, ItemStatus.DONE, "", signature)
    except DomainError as exc:
        _item_failed(batch, item_id, exc.message)
    except OperationalError:
        raise  # transient (deadlock, locked database): nothing was written, try again
    except Exception as exc:  # noqa: BLE001 — one broken document must not stop the batch
        _item_failed(
            batch, item_id, _("Lỗi không mong đợi: %(name)s") % {"name": type(exc).__name__}
        )


def _signed_by_this_batch(batch: SignBatch, item: SignBatchItem) -> SignatureRecord | None:
    """The personal signature this batch's person and certificate put on the record since the
    batch began: by an interrupted run of this batch, or by a second batch the person started
    for the same records (e.g. sent again after a lost answer). The item is then done with that
    signature: the document is signed once, as the person asked."""
    return (
        SignatureRecord.objects.filter(
            version__record_id=item.record_id,
            signer_id=batch.user_id,
            certificate_id=batch.certificate_id,
            action=batch.action,
            signed_at__gte=batch.created_at,
        )
        .order_by("id")
        .first()
    )


def _unlock(batch: SignBatch) -> tuple[Any, str]:
    if not batch.secret or timezone.now() - batch.created_at > SECRET_TTL:
        return None, str(INTERRUPTED)
    try:
        secret = secrets.unseal(SEALED_FOR, batch.secret)
    except secrets.SecretGone:
        return None, str(KEY_GONE)
    is_pin = batch.certificate.backend == Backend.PKCS11
    try:
        return open_signer(
            batch.certificate, passphrase=None if is_pin else secret, pin=secret if is_pin else None
        ), ""
    except DomainError as exc:
        return None, exc.message


def _item_done(
    batch: SignBatch, item: SignBatchItem, status: str, message: str, signature: Any = None
) -> None:
    item.status, item.message, item.signature = status, message[:500], signature
    item.save(update_fields=["status", "message", "signature"])
    counter = "done" if status == ItemStatus.DONE else "failed"
    SignBatch.objects.filter(pk=batch.pk).update(**{counter: F(counter) + 1})


@transaction.atomic
def _item_failed(batch: SignBatch, item_id: int, message: str) -> None:
    item = SignBatchItem.objects.select_for_update().get(pk=item_id)
    if item.status == ItemStatus.PENDING:
        _item_done(batch, item, ItemStatus.FAILED, message)


@transaction.atomic
def _finish(batch: SignBatch) -> SignBatch:
    """Counters recounted from the items (exact whatever happened before), secret wiped."""
    SignBatch.objects.select_for_update().filter(pk=batch.pk).first()
    items = SignBatchItem.objects.filter(batch=batch)
    SignBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        secret="",
        done=items.filter(status=ItemStatus.DONE).count(),
        failed=items.filter(status=ItemStatus.FAILED).count(),
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


def batches_stuck(minutes: float) -> list[int]:
    """Batches queued or running whose worker has been silent for `minutes` (lost in a crash)."""
    running = [BatchStatus.QUEUED, BatchStatus.RUNNING]
    return silent_jobs(SignBatch.objects.filter(status__in=running), minutes)
