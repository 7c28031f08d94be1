"""Archive time-stamps of issued record versions (PAdES B-LTA), the records side: the latest
signed copy of a version and the daily renewal of the versions whose latest stamp is due.
An issued RecordVersion never changes (records enforce it in the database), so the latest
copy is the output of the version's latest ArchiveTimestamp; the issued copy stays valid on
its own. The time-stamps themselves are signing's (hoso.signing.services.archive)."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.records.models import RecordVersion
from hoso.signing.documents import read_blob
from hoso.signing.engine.errors import SigningError
from hoso.signing.models import ArchiveKind, ArchiveTimestamp
from hoso.signing.services.archive import (
    horizon,
    lta_available,
    lta_renewal_due,
    lta_renewed,
    record_stamp,
)
from hoso.storage import blob_store


@transaction.atomic
def archive_renew(*, version_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Renew the archive time-stamp of one issued version if it is due (or `force`). Returns
    whether it was renewed. Idempotent: a version renewed meanwhile is not due any more."""
    now = now or timezone.now()
    version = RecordVersion.objects.select_for_update().get(pk=version_id)
    current = current_signed_sha256(version)
    if not current:
        return False
    pdf = read_blob(current)
    stamp = lta_renewal_due(pdf, now=now, force=force)
    if stamp is None:
        return False
    try:
        renewed = lta_renewed(pdf)
    except SigningError as exc:
        audit_log(
            "signing.archive.renew_failed",
            actor=None,
            obj=version,
            unit_id=version.record.school_id,
            data={"message": exc.message},
        )
        return False
    ref = blob_store().put(io.BytesIO(renewed))
    record_stamp(version, ArchiveKind.RENEWAL, pdf, renewed)
    audit_log(
        "signing.archive.renewed",
        actor=None,
        obj=version,
        unit_id=version.record.school_id,
        data={"from": current, "to": ref.sha256, "tsa_not_after": stamp.tsa_not_after.isoformat()},
    )
    return True


def current_signed_sha256(version: RecordVersion) -> str:
    """The latest signed copy of a version: its last archive time-stamp's output, else the
    signed copy the workflow recorded."""
    last = ArchiveTimestamp.objects.filter(version=version).order_by("-created_at", "-id").first()
    return last.output_sha256 if last is not None else version.signed_sha256


def due_versions(now: dt.datetime | None = None) -> list[int]:
    """Issued versions whose latest archive time-stamp expires within the horizon."""
    now = now or timezone.now()
    latest: dict[int, ArchiveTimestamp] = {}
    for row in ArchiveTimestamp.objects.order_by("version_id", "created_at", "id"):
        latest[row.version_id] = row
    limit = now + horizon()
    return [vid for vid, row in latest.items() if row.tsa_not_after <= limit]


def archive_renew_due(now: dt.datetime | None = None) -> int:
    """The daily task: renew every due version (each in its own transaction)."""
    if not lta_available():
        return 0
    return sum(1 for vid in due_versions(now) if archive_renew(version_id=vid, now=now))
