"""Batch signing: one passphrase/PIN entry, many records, each signed completely or left
unchanged; progress kept in the database so it survives closing the tab.

The passphrase must reach the background worker: it is encrypted (Fernet, key derived from
SECRET_KEY) on the batch row only while the batch runs, and wiped when it ends."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.policy import visible
from hoso.records.models import RecordState, StepAction, Workflow
from hoso.signing.certificates import certificate_for_signing
from hoso.signing.documents import open_signer
from hoso.signing.models import (
    Backend,
    BatchStatus,
    ItemStatus,
    SignBatch,
    SignBatchItem,
)

MAX_BATCH = 500


def _fernet() -> Fernet:
    key = hashlib.sha256(f"hoso-signing-batch:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def pending_sign_workflows(user: Any) -> Any:
    """Open workflows waiting for `user`'s personal signature."""
    qs = Workflow.objects.filter(is_open=True, pending_action=StepAction.SIGN)
    return visible(user, "records.workflow.act", qs).select_related("record", "version")


def approved_this_week(user: Any) -> list[int]:
    start = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    qs = pending_sign_workflows(user).filter(
        record__state=RecordState.APPROVED, record__updated_at__date__gte=start
    )
    return list(qs.values_list("record_id", flat=True))


@transaction.atomic
def batch_start(
    *,
    actor: Any,
    record_ids: list[int] | None = None,
    this_week: bool = False,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    ip: str = "",
) -> SignBatch:
    """Check the key once (wrong passphrase ⇒ nothing queued), then queue the batch."""
    cert = certificate_for_signing(actor=actor, certificate_id=certificate_id)
    if cert.backend == Backend.EXTERNAL:
        raise DomainError(
            "Ký hàng loạt bằng USB token thực hiện trên trình duyệt, qua HoSo Signer."
        )
    open_signer(cert, passphrase=passphrase, pin=pin)  # raises on a wrong passphrase/PIN
    ids = approved_this_week(actor) if this_week else list(dict.fromkeys(record_ids or []))
    allowed = set(
        pending_sign_workflows(actor).filter(record_id__in=ids).values_list("record_id", flat=True)
    )
    ids = [i for i in ids if i in allowed][:MAX_BATCH]
    if not ids:
        raise DomainError("Không có hồ sơ nào đang chờ bạn ký trong lựa chọn này.")
    secret = _fernet().encrypt((passphrase or pin or "").encode("utf-8")).decode("ascii")
    batch = SignBatch.objects.create(
        user=actor,
        certificate=cert,
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


def batch_run(*, batch_id: int) -> SignBatch:
    """Sign every pending item (idempotent: done items are skipped). The key is unlocked once."""
    from hoso.signing.services import version_sign

    batch = SignBatch.objects.select_related("user", "certificate").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    SignBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    signer, error = _unlock(batch)
    for item in batch.items.filter(status=ItemStatus.PENDING).order_by("id"):
        try:
            if signer is None:
                raise DomainError(error)
            version_sign(
                actor=batch.user,
                record_id=item.record_id,
                certificate_id=batch.certificate_id,
                signer=signer,
            )
        except DomainError as exc:
            _item_done(batch, item, ItemStatus.FAILED, exc.message)
        except Exception as exc:  # noqa: BLE001 — one broken document must not stop the batch
            _item_done(batch, item, ItemStatus.FAILED, f"Lỗi không mong đợi: {type(exc).__name__}")
        else:
            _item_done(batch, item, ItemStatus.DONE, "")
    if signer is not None:
        from hoso.signing.services import _close

        _close(signer)  # a PKCS#11 session stays logged in until closed
    SignBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, secret="", finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _unlock(batch: SignBatch) -> tuple[Any, str]:
    try:
        secret = _fernet().decrypt(batch.secret.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None, "Không còn mật khẩu của lô ký (lô đã kết thúc hoặc khóa máy chủ đã đổi)."
    is_pin = batch.certificate.backend == Backend.PKCS11
    try:
        return open_signer(
            batch.certificate, passphrase=None if is_pin else secret, pin=secret if is_pin else None
        ), ""
    except DomainError as exc:
        return None, exc.message


def _item_done(batch: SignBatch, item: SignBatchItem, status: str, message: str) -> None:
    item.status, item.message = status, message[:500]
    item.save(update_fields=["status", "message"])
    counter = "done" if status == ItemStatus.DONE else "failed"
    SignBatch.objects.filter(pk=batch.pk).update(**{counter: F(counter) + 1})
