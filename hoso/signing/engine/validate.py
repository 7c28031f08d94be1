"""Validate every signature of a PDF; reports are dataclasses that serialise to JSON.

pyHanko accepts some edits after signing (e.g. an /Info-only incremental update), so each
report also carries the coverage, the number of later revisions and the file's SHA-256: the
application compares that hash with the one it recorded when it issued the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.validation import generic_cms
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.verdicts import (
    REVOKED,
    STRUCTURE,
    DocumentReport,
    SignatureReport,
    fill_certificate,
    iso_vn,
    judge_doc_timestamp,
    judge_exception,
    judge_signature,
    revoked_before_text,
    summarise,
)

__all__ = ["DocumentReport", "PdfValidator", "SignatureReport", "iso_vn"]


def build_validation_context(
    trust_roots: Iterable[asn1_x509.Certificate],
    *,
    other_certs: Iterable[Any] = (),
    allow_fetching: bool = False,
    revocation_mode: str = "soft-fail",
    crls: Iterable[Any] = (),
    ocsps: Iterable[Any] = (),
    **extra: Any,
) -> ValidationContext:
    """Validation context over the configured trust roots (national roots, or the demo CA)."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=allow_fetching,
        revocation_mode=revocation_mode,
        crls=list(crls),
        ocsps=list(ocsps),
        **extra,
    )


@dataclass
class _Revinfo:
    """Certificates, CRLs and OCSP responses a file carries (its DSS)."""

    certs: list[Any] = field(default_factory=list)
    crls: list[Any] = field(default_factory=list)
    ocsps: list[Any] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.certs or self.crls or self.ocsps)


class PdfValidator:
    """Validates PDFs against fixed trust settings; keep one per process and reuse it.

    Proof of existence (ETSI EN 319 102-1, simplified): document time-stamps are checked from
    the latest (at the validation time) to the earliest (each at the time of the next one that
    verified); a signature's certificate is then judged at its own trusted time-stamp's time,
    else at the time of the first verified document time-stamp after it, else at the validation
    time. The file's own revocation data (DSS) and any CRLs/OCSP responses given here count,
    and revocation after the proven time does not invalidate the signature."""

    # A shared context caches certificate paths across documents (the same signers recur in
    # a batch); it is rebuilt now and then because it fixes "now" when it is created.
    SHARED_CONTEXT_SECONDS = 300.0

    def __init__(
        self,
        trust_roots: Sequence[asn1_x509.Certificate],
        *,
        fresh_crls: Sequence[Any] = (),
        **vc_kwargs: Any,
    ) -> None:
        """`fresh_crls`: CRLs the application fetched now from the CAs it trusts; a revocation
        they list dated before a signature's proven time invalidates it even though the
        file's own revocation data (gathered at signing) said "good"."""
        self.trust_roots = list(trust_roots)
        self.fresh_crls = list(fresh_crls)
        self.vc_kwargs = vc_kwargs
        self._shared: ValidationContext | None = None
        self._shared_at = 0.0

    def _shared_context(self) -> ValidationContext:
        now = time.monotonic()
        if self._shared is None or now - self._shared_at > self.SHARED_CONTEXT_SECONDS:
            self._shared = build_validation_context(self.trust_roots, **self.vc_kwargs)
            self._shared_at = now
        return self._shared

    def _context(self, revinfo: _Revinfo, moment: dt.datetime | None) -> ValidationContext:
        if moment is None and not revinfo:
            return self._shared_context()
        kwargs = {"allow_fetching": False, "revocation_mode": "soft-fail", **self.vc_kwargs}
        kwargs["crls"] = list(kwargs.get("crls", ())) + self.fresh_crls
        for key, mine in (("other_certs", "certs"), ("crls", "crls"), ("ocsps", "ocsps")):
            kwargs[key] = list(kwargs.get(key, ())) + list(getattr(revinfo, mine))
        if moment is not None:
            # revocation data gathered when the signature was made stays good for that time
            kwargs.update(moment=moment, retroactive_revinfo=True)
        return build_validation_context(self.trust_roots, **kwargs)

    def validate(self, pdf: bytes, *, now: dt.datetime | None = None) -> DocumentReport:
        """Report for `pdf`; `now` moves the validation time (tests of long-term validity)."""
        report = DocumentReport(sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            entries = _embedded(reader, report)
        except Exception as exc:  # corrupt or non-PDF input
            report.error = _("Không đọc được tệp PDF: %(exc)s") % {"exc": exc}
            report.verdict = report.error
            return report
        revinfo = _read_revinfo(reader, report)
        reports: list[SignatureReport | None] = [None] * len(entries)
        proven: dt.datetime | None = None  # earliest verified document time-stamp so far
        for index in reversed(range(len(entries))):
            field_name, sig = entries[index]
            if isinstance(sig, Exception):
                rep = SignatureReport(field_name=field_name)
                judge_exception(rep, sig)
            elif sig.sig_object_type == "/DocTimeStamp":
                rep = self._doc_timestamp(sig, revinfo, proven or now)
                if rep.bottom_line and rep.timestamp_time is not None:
                    proven = _stamp_time(sig) or proven
            else:
                rep = self._signature(sig, revinfo, proven, now)
            reports[index] = rep
        report.signatures = [r for r in reports if r is not None]
        report.validation_updates_only = _validation_updates_only(reader, entries, report)
        summarise(report)
        return report

    def _run(self, coro: Any, vc: ValidationContext) -> Any:
        return run_sync(run_and_release(coro, vc))

    def _doc_timestamp(
        self, sig: EmbeddedPdfSignature, revinfo: _Revinfo, moment: dt.datetime | None
    ) -> SignatureReport:
        rep = SignatureReport(field_name=str(sig.field_name), kind="doc_timestamp")
        rep.signed_revision = sig.signed_revision
        rep.judged_at = iso_vn(moment or dt.datetime.now(dt.UTC))
        try:
            fill_certificate(rep, sig.signer_cert)
            vc = self._context(revinfo, moment)
            judge_doc_timestamp(rep, self._run(async_validate_pdf_timestamp(sig, vc), vc))
        except Exception as exc:  # hostile files: a verdict, never an error
            judge_exception(rep, exc)
        return rep

    def _signature(
        self,
        sig: EmbeddedPdfSignature,
        revinfo: _Revinfo,
        proven: dt.datetime | None,
        now: dt.datetime | None,
    ) -> SignatureReport:
        rep = SignatureReport(field_name=str(sig.field_name))
        rep.signed_revision = sig.signed_revision
        try:
            fill_certificate(rep, sig.signer_cert)
            rep.claimed_time = iso_vn(sig.self_reported_timestamp)
            problem = _structure_problem(sig)
            if problem:
                rep.add(STRUCTURE, problem)
                rep.finish("")
                return rep
            self._judge(rep, sig, revinfo, proven, now)
        except Exception as exc:  # hostile files: a verdict, never an error
            rep = SignatureReport(
                field_name=rep.field_name,
                signer_name=rep.signer_name,
                signer_subject=rep.signer_subject,
                issuer=rep.issuer,
                serial_number=rep.serial_number,
                cert_not_before=rep.cert_not_before,
                cert_not_after=rep.cert_not_after,
                claimed_time=rep.claimed_time,
                signed_revision=rep.signed_revision,
            )
            judge_exception(rep, exc)
        return rep

    def _judge(
        self,
        rep: SignatureReport,
        sig: EmbeddedPdfSignature,
        revinfo: _Revinfo,
        proven: dt.datetime | None,
        now: dt.datetime | None,
    ) -> None:
        ts_moment = proven or now
        ts_vc = self._context(revinfo, ts_moment)
        stamped = _signature_stamp_time(sig)
        st = None
        when: dt.datetime | None = None
        if stamped is not None:
            vc = self._context(revinfo, stamped)
            st = self._run(async_validate_pdf_signature(sig, vc, ts_vc), vc)
            ts = st.timestamp_validity
            if ts is not None and ts.intact and ts.valid and ts.trusted:
                rep.signing_time_source, when = "timestamp", stamped
            else:
                st = None
        if st is None:
            when = proven or now
            rep.signing_time_source = "document_timestamp" if proven else "claimed"
            vc = self._context(revinfo, when)
            st = self._run(async_validate_pdf_signature(sig, vc, ts_vc), vc)
        ts = st.timestamp_validity
        rep.timestamp_time = iso_vn(ts.timestamp) if ts is not None else None
        rep.timestamp_valid = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
        judged = when or dt.datetime.now(dt.UTC)
        rep.judged_at = iso_vn(judged)
        rep.signing_time = iso_vn(judged) if rep.signing_time_source != "claimed" else None
        rep.signing_time = rep.signing_time or rep.claimed_time
        late = _revoked_in(self.fresh_crls, sig.signer_cert, judged)
        if late is not None and not st.revoked:
            rep.add(REVOKED, revoked_before_text(rep, late))
        judge_signature(rep, st, sig.md_algorithm)


def _embedded(
    reader: PdfFileReader, report: DocumentReport
) -> list[tuple[str, EmbeddedPdfSignature | Exception]]:
    """Every filled signature field in signing order; a field pyHanko cannot even read (no
    /ByteRange, CMS that does not parse) stays in the list as its exception."""
    found: list[tuple[int, str, EmbeddedPdfSignature | Exception]] = []
    for name, _value, ref in fields.enumerate_sig_fields(reader, filled_status=True):
        try:
            sig = EmbeddedPdfSignature(reader, ref, name)
            found.append((sig.signed_revision, name, sig))
        except Exception as exc:
            found.append((10**9, name, exc))
    found.sort(key=lambda item: item[0])
    return [(name, sig) for _, name, sig in found]


def _revoked_in(crls: list[Any], cert: Any, at: dt.datetime) -> dt.datetime | None:
    """The revocation date of `cert` in any of `crls` (same issuer) when it is not after `at`."""
    for crl in crls:
        try:
            if crl.issuer != cert.issuer:
                continue
            for entry in crl["tbs_cert_list"]["revoked_certificates"]:
                if entry["user_certificate"].native == cert.serial_number:
                    when: dt.datetime = entry["revocation_date"].native
                    if when <= at:
                        return when
        except Exception:  # noqa: BLE001, S112 — a CRL that does not parse proves nothing
            continue
    return None


def _structure_problem(sig: EmbeddedPdfSignature) -> str | None:
    """What pyHanko would stumble on before it can judge the signature."""
    byte_range = sig.byte_range
    try:
        numbers = [int(v) for v in byte_range]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 4 or numbers[0] != 0 or min(numbers) < 0:
        return _("cấu trúc chữ ký bị hỏng: /ByteRange phải gồm 4 số bắt đầu từ 0")
    eci = sig.signed_data["encap_content_info"]
    if eci["content"].native is not None:
        return _(
            "chữ ký chứa nội dung đóng gói (encapsulated content) thay vì ký các byte "
            "của tệp theo /ByteRange, nên không chứng minh được nội dung tệp"
        )
    return None


def _signature_stamp_time(sig: EmbeddedPdfSignature) -> dt.datetime | None:
    """The time in the signature's time-stamp token (checked later by pyHanko)."""
    try:
        for tst in generic_cms.extract_tst_data_iter(sig.signer_info, signed=False):
            info = tst["encap_content_info"]["content"].parsed
            return info["gen_time"].native  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 — unreadable token: pyHanko reports it invalid
        return None
    return None


def _stamp_time(sig: EmbeddedPdfSignature) -> dt.datetime | None:
    try:
        info = sig.signed_data["encap_content_info"]["content"].parsed
        return info["gen_time"].native  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001
        return None


def _read_revinfo(reader: PdfFileReader, report: DocumentReport) -> _Revinfo:
    """The DSS's certificates, OCSP responses and CRLs, each parsed now: a damaged item is left
    out (and said so) instead of failing the validation later."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    found = _Revinfo()
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return found
    except Exception:  # noqa: BLE001
        report.notes.append(_("Dữ liệu kiểm tra dài hạn (DSS) trong tệp bị hỏng và đã bị bỏ qua."))
        return found
    damaged = 0
    groups = (
        (dss.certs.values(), asn1_x509.Certificate, found.certs, DecodePurpose.CERTIFICATE),
        (dss.ocsps, asn1_ocsp.OCSPResponse, found.ocsps, DecodePurpose.OCSP_RESPONSE),
        (dss.crls, asn1_crl.CertificateList, found.crls, DecodePurpose.CRL),
    )
    for refs, kind, into, purpose in groups:
        for ref in refs:
            try:
                item = ref if isinstance(ref, asn1_x509.Certificate) else None
                if item is None:
                    item = kind.load(ref.get_object().read_data(purpose))
                item.native  # noqa: B018 — parse it all now
                into.append(item)
            except Exception:  # noqa: BLE001
                damaged += 1
    if damaged:
        report.notes.append(
            _("%(damaged)s mục dữ liệu kiểm tra dài hạn (DSS) bị hỏng và đã bị bỏ qua.")
            % {"damaged": damaged}
        )
    return found


def _validation_updates_only(
    reader: PdfFileReader,
    entries: list[tuple[str, EmbeddedPdfSignature | Exception]],
    report: DocumentReport,
) -> bool:
    """After the last signature: only what B-LT/B-LTA add (DSS, document time-stamps), no
    /Info or other change. The last entry's own diff analysis allowed it (LTA_UPDATES)."""
    sigs = report.signatures
    if not sigs or sigs[-1].covers_whole_file:
        return False
    last = sigs[-1]
    if last.modification_level not in ("LTA_UPDATES", None) or not last.bottom_line:
        return False
    if last.signed_revision is None:
        return False
    try:
        old = reader.get_historical_resolver(last.signed_revision)
        if _info(old.trailer_view) != _info(reader.trailer_view):
            return False
        return _catalog(old.root, reader, last.signed_revision) == _catalog(reader.root, reader, -1)
    except Exception:  # noqa: BLE001 — unreadable /Info: not provably a validation update
        return False


# pyHanko's writer refreshes these on every incremental update, HoSo's DSS update included.
_WRITER_INFO_KEYS = {"/ModDate", "/Producer"}


def _catalog(root: Any, reader: PdfFileReader, revision: int) -> dict[str, Any]:
    """The catalog without what validation updates add (/DSS, the document time-stamp's form
    field, extensions); the XMP metadata by content."""
    skip = {"/DSS", "/AcroForm", "/Extensions"}
    data: dict[str, Any] = {k: repr(root.raw_get(k)) for k in root if k not in skip}
    if "/Metadata" in root:
        data["/Metadata"] = root["/Metadata"].data
    return data


def _info(trailer: Any) -> dict[str, Any]:
    """The document information (/Info) without what every writer refreshes."""
    if "/Info" not in trailer:
        return {}
    info = trailer["/Info"]
    return {k: str(v) for k, v in info.items() if k not in _WRITER_INFO_KEYS}


# --- poppler `pdfsig` cross-check (independent implementation, used by tests and the bench) ---


def pdfsig_report(pdf: bytes | str) -> list[dict[str, str]]:
    """Run poppler's `pdfsig` and return one dict per signature (its "key: value" lines)."""
    import subprocess
    import tempfile

    if isinstance(pdf, bytes):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(pdf)
            fh.flush()
            out = subprocess.run(["pdfsig", fh.name], capture_output=True, text=True, check=False)
    else:
        out = subprocess.run(["pdfsig", pdf], capture_output=True, text=True, check=False)
    sigs: list[dict[str, str]] = []
    for line in out.stdout.splitlines():
        if line.startswith("Signature #"):
            sigs.append({})
        elif sigs and line.strip().startswith("- ") and ":" in line:
            key, _, value = line.strip()[2:].partition(":")
            sigs[-1][key.strip()] = value.strip()
    return sigs


def pdfsig_all_intact(pdf: bytes | str, expected: int | None = None) -> bool:
    """True if pdfsig finds every signature cryptographically valid (trust not checked)."""
    sigs = pdfsig_report(pdf)
    if expected is not None and len(sigs) != expected:
        return False
    return bool(sigs) and all(s.get("Signature Validation") == "Signature is Valid." for s in sigs)


# --- many files, several processes -------------------------------------------------------------

_VALIDATOR: PdfValidator | None = None


def _init_validator(roots_der: list[bytes], kwargs: dict[str, Any]) -> None:
    global _VALIDATOR
    roots = [asn1_x509.Certificate.load(d) for d in roots_der]
    other = [asn1_x509.Certificate.load(d) for d in kwargs.pop("other_certs_der", [])]
    _VALIDATOR = PdfValidator(roots, other_certs=other, **kwargs)


def _validate_path(path: str) -> DocumentReport:
    assert _VALIDATOR is not None
    with open(path, "rb") as fh:
        return _VALIDATOR.validate(fh.read())


def validate_many(
    paths: Iterable[str],
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    other_certs: Sequence[asn1_x509.Certificate] = (),
    workers: int = 2,
    **vc_kwargs: Any,
) -> Iterable[DocumentReport]:
    """Validate files from disk in `workers` processes (one validator per process)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    kwargs = {**vc_kwargs, "other_certs_der": [c.dump() for c in other_certs]}
    initargs = ([c.dump() for c in trust_roots], kwargs)
    if workers <= 1:
        _init_validator(*initargs)
        yield from map(_validate_path, paths)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init_validator, initargs=initargs
    ) as pool:
        yield from pool.map(_validate_path, paths, chunksize=8)
