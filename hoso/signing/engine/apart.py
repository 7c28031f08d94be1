"""pyHanko's answer for a PDF under trust settings given as bytes, for the pool's processes
(hoso.core.cores): the same validator the app uses, built from the same settings (no fetching:
only what they give). It imports no Django app, so that a batch's checks run over the cores
without loading the apps; its texts are the Vietnamese sources there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# pyHanko's answer for a file: (the file's own problem or None, [(verdict, valid)] per signature)
Answer = tuple[str | None, list[tuple[str, bool]]]


@dataclass(frozen=True)
class Trust:
    """The validator's settings as bytes, for another process: the trust anchors, the
    intermediates and the CRLs this process fetched (`hoso.signing.conf`)."""

    roots: tuple[bytes, ...]
    others: tuple[bytes, ...]
    crls: tuple[bytes, ...]


def answer_apart(job: tuple[bytes, Trust]) -> Answer:
    """pyHanko's answer for `pdf` under `trust`, in a pool process (hoso.core.cores)."""
    pdf, trust = job
    return answer_of(_validator_for(trust).validate(pdf))


_APART: dict[Trust, Any] = {}


def _validator_for(trust: Trust) -> Any:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509

    from hoso.signing.engine.validate import PdfValidator

    if trust not in _APART:
        _APART.clear()
        _APART[trust] = PdfValidator(
            [asn1_x509.Certificate.load(der) for der in trust.roots],
            other_certs=[asn1_x509.Certificate.load(der) for der in trust.others],
            fresh_crls=[asn1_crl.CertificateList.load(der) for der in trust.crls],
        )
    return _APART[trust]


def answer_of(report: Any) -> Answer:
    """(the file's own problem or None, [(verdict, valid)] per signature of the chain)."""
    stamps = [s.verdict for s in report.signatures if s.kind != "signature" and not s.bottom_line]
    return (
        report.error or ("; ".join(stamps) if stamps else None),
        [
            (s.verdict, bool(s.bottom_line and s.cert_valid_at_signing))
            for s in report.signatures
            if s.kind == "signature"  # archive time-stamps are not steps of the chain
        ],
    )
