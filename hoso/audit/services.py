"""Writing to the audit log. Call `audit_log` inside the transaction of the change it records."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hoso.audit.models import AuditEntry, AuditHead
from hoso.core.http import client_ip

GENESIS_HASH = "0" * 64
_SECRET_WORDS = ("password", "passphrase", "pin", "secret", "token", "otp", "code")


def mask_secrets(data: Any) -> Any:
    """Replace the values of secret-looking keys by "***", recursively."""
    if isinstance(data, dict):
        return {
            key: "***"
            if any(word in str(key).lower() for word in _SECRET_WORDS)
            else mask_secrets(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [mask_secrets(item) for item in data]
    return data


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(entry: AuditEntry) -> str:
    """The hash of an entry over every field that matters, chained to the previous hash."""
    material = canonical_json(
        {
            "seq": entry.seq,
            "created_at": entry.created_at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "unit_id": entry.unit_id,
            "ip": entry.ip,
            "data": entry.data,
            "prev_hash": entry.prev_hash,
        }
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _describe(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:255]


@transaction.atomic
def audit_log(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    unit_id: int | None = None,
    ip: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. `action` is a namespaced code such as "records.version.signed"."""
    head = _lock_head()
    object_type, object_id, object_repr = _describe(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=user,
        actor_name=actor_name or (user.get_username() if user else ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        unit_id=unit_id,
        ip=ip[:45],
        data=canonical_json(mask_secrets(data or {})),
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


def access_log(
    request: Any,
    action: str,
    obj: models.Model | None,
    unit_id: int | None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that `request.user` viewed, downloaded or exported `obj` (who, what, when, from
    where). Reads write too: DOMAIN.md §10.4 puts reads and exports in the same chained log.

    Commit it before the file is streamed, so a download is never served unrecorded.
    """
    return audit_log(
        action,
        actor=getattr(request, "user", None),
        obj=obj,
        unit_id=unit_id,
        ip=client_ip(request),
        data=data,
    )
