"""Archive time-stamps of issued documents (PAdES B-LTA), the signing side: the time-stamp
added when a document is issued (`lta_on_issue`, through the signing door), a renewal that
appends an incremental update (`lta_renewed`: the signed bytes never change) and the
ArchiveTimestamp rows. Which versions are due and renewing them is the records' own
(hoso.records.services.archive), run daily before the TSA certificate of the latest stamp
expires (`HOSO_ARCHIVE_RENEW_DAYS`, default 365) or its digest weakens. The engine (pyHanko)
is imported by the functions that run it, so that a web process does not load it at start."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.signing import conf
from hoso.signing.models import ArchiveTimestamp

if TYPE_CHECKING:
    from hoso.signing.engine.archive import ArchiveStamp


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
    from hoso.signing.engine.archive import make_lta

    return make_lta(pdf, timestamper=_timestamper(), validation_context=_context())


def record_stamp(version: Any, kind: str, before: bytes, after: bytes) -> None:
    """Remember the archive time-stamp `after` carries (called in the issuing transaction)."""
    import hashlib

    from hoso.signing.engine.archive import latest_archive_stamp

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


def lta_renewal_due(pdf: bytes, *, now: dt.datetime, force: bool = False) -> ArchiveStamp | None:
    """The latest archive time-stamp of `pdf` when it is due for renewal (or `force`)."""
    from hoso.signing.engine.archive import latest_archive_stamp, needs_renewal

    stamp = latest_archive_stamp(pdf)
    if stamp is None or not (force or needs_renewal(stamp, horizon=horizon(), now=now)):
        return None
    return stamp


def lta_renewed(pdf: bytes) -> bytes:
    """`pdf` with a new archive time-stamp over everything (raises SigningError)."""
    from hoso.signing.engine.archive import renew_archive_timestamp

    return renew_archive_timestamp(pdf, timestamper=_timestamper(), validation_context=_context())


def issued_archive_files(hashes: list[str]) -> dict[str, str]:
    """For the validation page: outputs of archive time-stamps are HoSo's own files."""
    rows = ArchiveTimestamp.objects.filter(output_sha256__in=hashes).values_list(
        "output_sha256", "version_id", "kind"
    )
    return {
        sha: _("hồ sơ (phiên bản #%(vid)s, dấu thời gian lưu trữ)") % {"vid": vid}
        for sha, vid, _kind in rows
    }
