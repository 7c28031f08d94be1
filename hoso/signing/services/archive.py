"""Archive time-stamps of issued documents (PAdES B-LTA): added when a version is issued (the
last step of its chain) and renewed by a daily task before the TSA certificate of the latest
one expires (`HOSO_ARCHIVE_RENEW_DAYS`, default 365) or its digest weakens. Renewing appends an
incremental update: the signed bytes never change. An issued RecordVersion never changes
(records enforce it in the database), so the latest copy is the output of the version's latest
ArchiveTimestamp (`current_signed_sha256`); the issued copy stays valid on its own."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.records.models import RecordVersion
from hoso.signing import conf
from hoso.signing.engine.archive import (
    latest_archive_stamp,
    make_lta,
    needs_renewal,
    renew_archive_timestamp,
)
from hoso.signing.engine.errors import SigningError
from hoso.signing.models import ArchiveKind, ArchiveTimestamp
from hoso.storage import blob_store


def horizon() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "HOSO_ARCHIVE_RENEW_DAYS", 365) or 365))


def lta_available() -> bool:
    """B-LTA needs a time-stamp authority."""
    return bool(conf.tsa_url())


def _context() -> Any:
    from hoso.signing.engine.validate import build_validation_context

    return build_validation_context(
        conf.trust_anchors(), other_certs=conf.intermediates(), allow_fetching=True
    )


def _timestamper() -> Any:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(str(conf.tsa_url()), timeout=10)


def lta_on_issue(pdf: bytes) -> bytes:
    """The issued file: validation data of every signature and a document time-stamp."""
    return make_lta(pdf, timestamper=_timestamper(), validation_context=_context())


def record_stamp(version: RecordVersion, kind: str, before: bytes, after: bytes) -> None:
    """Remember the archive time-stamp `after` carries (called in the issuing transaction)."""
    import hashlib

    stamp = latest_archive_stamp(after)
    if stamp is None:
        return
    ArchiveTimestamp.objects.create(
        version=version,
        kind=kind,
        created_at=timezone.now(),
        stamped_at=stamp.time,
        tsa=stamp.tsa[:200],
        tsa_not_after=stamp.tsa_not_after,
        digest=stamp.digest[:20],
        input_hash=hashlib.sha256(before).hexdigest(),
        output_sha256=hashlib.sha256(after).hexdigest(),
    )


@transaction.atomic
def archive_renew(*, version_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Renew the archive time-stamp of one issued version if it is due (or `force`). Returns
    whether it was renewed. Idempotent: a version renewed meanwhile is not due any more."""
    from hoso.signing.documents import read_blob

    now = now or timezone.now()
    version = RecordVersion.objects.select_for_update().get(pk=version_id)
    current = current_signed_sha256(version)
    if not current:
        return False
    pdf = read_blob(current)
    stamp = latest_archive_stamp(pdf)
    if stamp is None or not (force or needs_renewal(stamp, horizon=horizon(), now=now)):
        return False
    try:
        renewed = renew_archive_timestamp(
            pdf, timestamper=_timestamper(), validation_context=_context()
        )
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
    old = current
    record_stamp(version, ArchiveKind.RENEWAL, pdf, renewed)
    audit_log(
        "signing.archive.renewed",
        actor=None,
        obj=version,
        unit_id=version.record.school_id,
        data={"from": old, "to": ref.sha256, "tsa_not_after": stamp.tsa_not_after.isoformat()},
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


def issued_archive_files(hashes: list[str]) -> dict[str, str]:
    """For the validation page: outputs of archive time-stamps are HoSo's own files."""
    rows = ArchiveTimestamp.objects.filter(output_sha256__in=hashes).values_list(
        "output_sha256", "version_id", "kind"
    )
    return {sha: f"hồ sơ (phiên bản #{vid}, dấu thời gian lưu trữ)" for sha, vid, _ in rows}
