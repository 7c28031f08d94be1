"""PAdES B-LTA: validation data of every signature plus a document time-stamp, and the renewal
of that archive time-stamp before its TSA certificate expires. Every step is an incremental
update through pyHanko's own functions: the signed bytes never change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.errors import SigningError


@dataclass(frozen=True)
class ArchiveStamp:
    """The latest document time-stamp of a file: when, by whom, until when its TSA
    certificate is valid, and its digest algorithm."""

    time: dt.datetime
    tsa: str
    tsa_not_after: dt.datetime
    digest: str


def add_validation_data(pdf: bytes, validation_context: ValidationContext) -> bytes:
    """The certificates, OCSP responses and CRLs of every signature in the DSS (one
    incremental update per signature that lacks some)."""
    out = pdf
    count = len(PdfFileReader(BytesIO(pdf), strict=False).embedded_regular_signatures)
    for index in range(count):
        reader = PdfFileReader(BytesIO(out), strict=False)
        sig = reader.embedded_regular_signatures[index]
        buf = BytesIO()
        coro = async_add_validation_info(sig, validation_context, output=buf)
        run_sync(coro)
        out = buf.getvalue() or out
    return out


def make_lta(
    pdf: bytes, *, timestamper: TimeStamper, validation_context: ValidationContext
) -> bytes:
    """B-LTA on issue: validation data of every signature, then a document time-stamp whose own
    chain's validation data goes into the DSS too."""
    try:
        with_data = add_validation_data(pdf, validation_context)
        return _timestamp(with_data, timestamper, validation_context)
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(
            _("Không thêm được dấu thời gian lưu trữ (PAdES B-LTA): %(exc)s") % {"exc": exc},
            "lta_failed",
        ) from exc


def renew_archive_timestamp(
    pdf: bytes, *, timestamper: TimeStamper, validation_context: ValidationContext
) -> bytes:
    """A new archive time-stamp over the whole file, after the validation data of the previous
    one (pyHanko's `update_archival_timestamp_chain`)."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        out = BytesIO()
        stamper = PdfTimeStamper(timestamper)
        run_sync(
            stamper.async_update_archival_timestamp_chain(
                reader, validation_context, in_place=False, output=out
            )
        )
        return out.getvalue()
    except Exception as exc:
        raise SigningError(
            _("Không gia hạn được dấu thời gian lưu trữ: %(exc)s") % {"exc": exc},
            "lta_renew_failed",
        ) from exc


def _timestamp(pdf: bytes, timestamper: TimeStamper, vc: ValidationContext) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    PdfTimeStamper(timestamper).timestamp_pdf(writer, "sha256", validation_context=vc, output=out)
    return out.getvalue()


def latest_archive_stamp(pdf: bytes) -> ArchiveStamp | None:
    """The last /DocTimeStamp of the file, or None."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    stamps = [s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
    if not stamps:
        return None
    last = stamps[-1]
    info = last.signed_data["encap_content_info"]["content"].parsed
    cert = last.signer_cert
    from hoso.signing.engine.signers import cert_display_name

    return ArchiveStamp(
        time=info["gen_time"].native,
        tsa=cert_display_name(cert),
        tsa_not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        digest=str(info["message_imprint"]["hash_algorithm"]["algorithm"].native),
    )


# Digest algorithms whose archive time-stamps are renewed whatever the certificate's expiry.
WEAK_DIGESTS = frozenset({"md5", "sha1"})


def needs_renewal(stamp: ArchiveStamp | None, *, horizon: dt.timedelta, now: dt.datetime) -> bool:
    """Renew when the TSA certificate expires within `horizon` or the digest is weak."""
    if stamp is None:
        return False
    return stamp.tsa_not_after - now <= horizon or stamp.digest in WEAK_DIGESTS
