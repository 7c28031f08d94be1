"""Validate every signature of a PDF; reports are dataclasses that serialise to JSON.

pyHanko accepts some edits after signing (e.g. an /Info-only incremental update), so each
report also carries the coverage, the number of later revisions and the file's SHA-256: the
application compares that hash with the one it recorded when it issued the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from hoso.signing.engine.aio import run_sync
from hoso.signing.engine.signers import cert_display_name

VN_TZ = dt.timezone(dt.timedelta(hours=7))


def iso_vn(when: dt.datetime | None) -> str | None:
    """ISO 8601 in Vietnam time, e.g. 2025-05-20T09:15:30+07:00."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(VN_TZ).replace(microsecond=0).isoformat()


@dataclass
class SignatureReport:
    """Result for one signature field."""

    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    serial_number: str
    chain: list[str]
    cert_not_before: str | None
    cert_not_after: str | None
    signing_time: str | None
    signing_time_source: str  # "timestamp" (trusted) or "claimed" (signer's clock)
    timestamp_time: str | None
    timestamp_valid: bool | None
    intact: bool
    crypto_valid: bool
    trusted: bool
    trust_problem: str | None
    revoked: bool
    cert_valid_at_signing: bool
    coverage: str
    covers_whole_file: bool
    modification_level: str | None
    docmdp_ok: bool | None
    bottom_line: bool
    verdict: str


@dataclass
class DocumentReport:
    """Result for one PDF file."""

    sha256: str
    size: int
    signatures: list[SignatureReport] = field(default_factory=list)
    all_valid: bool = False
    changed_after_last_signature: bool = False
    verdict: str = ""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def build_validation_context(
    trust_roots: Iterable[asn1_x509.Certificate],
    *,
    other_certs: Iterable[Any] = (),
    allow_fetching: bool = False,
    revocation_mode: str = "soft-fail",
    crls: Iterable[Any] = (),
    ocsps: Iterable[Any] = (),
) -> ValidationContext:
    """Validation context over the configured trust roots (national roots, or the demo CA)."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=allow_fetching,
        revocation_mode=revocation_mode,
        crls=list(crls),
        ocsps=list(ocsps),
    )


class PdfValidator:
    """Validates PDFs against fixed trust settings; keep one per process and reuse it."""

    # A shared context caches certificate paths across documents (the same signers recur in
    # a batch); it is rebuilt now and then because it fixes "now" when it is created.
    SHARED_CONTEXT_SECONDS = 300.0

    def __init__(self, trust_roots: Sequence[asn1_x509.Certificate], **vc_kwargs: Any) -> None:
        self.trust_roots = list(trust_roots)
        self.vc_kwargs = vc_kwargs
        self._shared: ValidationContext | None = None
        self._shared_at = 0.0

    def _shared_context(self) -> ValidationContext:
        now = time.monotonic()
        if self._shared is None or now - self._shared_at > self.SHARED_CONTEXT_SECONDS:
            self._shared = build_validation_context(self.trust_roots, **self.vc_kwargs)
            self._shared_at = now
        return self._shared

    def _context(self, reader: PdfFileReader | None = None) -> ValidationContext:
        """Shared context for documents without revocation data; a document with a DSS (B-LT)
        gets its own context built from that data."""
        dss = _read_dss(reader) if reader is not None else None
        if dss is None:
            return self._shared_context()
        kwargs = {"allow_fetching": False, "revocation_mode": "soft-fail", **self.vc_kwargs}
        kwargs["other_certs"] = list(kwargs.get("other_certs", ()))
        return dss.as_validation_context({"trust_roots": self.trust_roots, **kwargs})

    def validate(self, pdf: bytes) -> DocumentReport:
        report = DocumentReport(sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            sigs = reader.embedded_signatures
        except Exception as exc:  # corrupt or non-PDF input
            report.error = f"Không đọc được tệp PDF: {exc}"
            report.verdict = report.error
            return report
        for sig in sigs:
            vc = self._context(reader)
            coro = async_validate_pdf_signature(sig, signer_validation_context=vc)
            status = run_sync(run_and_release(coro, vc))
            report.signatures.append(_signature_report(sig.field_name, status))
        _summarise(report)
        return report


def _read_dss(reader: PdfFileReader) -> Any:
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _signature_report(field_name: str, st: PdfSignatureStatus) -> SignatureReport:
    cert = st.signing_cert
    ts = st.timestamp_validity
    ts_ok = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
    when = ts.timestamp if ts is not None and ts_ok else st.signer_reported_dt
    validity = cert["tbs_certificate"]["validity"]
    nb, na = validity["not_before"].native, validity["not_after"].native
    in_period = when is not None and nb <= when <= na
    revoked_before = _revoked_before(st, when)
    cov = st.coverage or SignatureCoverageLevel.UNCLEAR
    mod = st.modification_level
    rep = SignatureReport(
        field_name=field_name,
        signer_name=cert_display_name(cert),
        signer_subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial_number=format(cert.serial_number, "x"),
        chain=_chain_names(st),
        cert_not_before=iso_vn(nb),
        cert_not_after=iso_vn(na),
        signing_time=iso_vn(when),
        signing_time_source="timestamp" if ts is not None and ts_ok else "claimed",
        timestamp_time=iso_vn(ts.timestamp) if ts is not None else None,
        timestamp_valid=ts_ok,
        intact=bool(st.intact),
        crypto_valid=bool(st.valid),
        trusted=bool(st.trusted),
        trust_problem=str(getattr(st.trust_problem_indic, "name", "")) or None,
        revoked=bool(st.revoked),
        cert_valid_at_signing=bool(in_period and not revoked_before),
        coverage=cov.name,
        covers_whole_file=cov == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=mod.name if mod is not None else None,
        docmdp_ok=st.docmdp_ok,
        bottom_line=bool(st.bottom_line),
        verdict="",
    )
    rep.verdict = _verdict(rep)
    return rep


def _revoked_before(st: PdfSignatureStatus, when: dt.datetime | None) -> bool:
    details = st.revocation_details
    if details is None:
        return False
    return when is None or details.revocation_date <= when


def _chain_names(st: PdfSignatureStatus) -> list[str]:
    path = st.validation_path
    if path is None:
        return [cert_display_name(st.signing_cert)]
    return [cert_display_name(c) for c in path.iter_certs(include_root=True)][::-1]


def _verdict(r: SignatureReport) -> str:
    who = f"{r.signer_name} (ký lúc {r.signing_time or 'không rõ'})"
    if not r.intact:
        return f"KHÔNG HỢP LỆ: nội dung đã bị sửa sau khi {who} ký."
    if not r.crypto_valid:
        return f"KHÔNG HỢP LỆ: chữ ký số của {who} không đúng."
    if r.revoked:
        return f"KHÔNG HỢP LỆ: chứng thư số của {r.signer_name} đã bị thu hồi."
    if not r.cert_valid_at_signing:
        return f"KHÔNG HỢP LỆ: chứng thư số của {r.signer_name} không còn hiệu lực lúc ký."
    if not r.trusted:
        return f"CHƯA TIN CẬY: chứng thư số của {who} không thuộc chuỗi tin cậy đã cấu hình."
    if not r.bottom_line:
        return f"KHÔNG HỢP LỆ: tài liệu đã bị thay đổi không được phép sau khi {who} ký."
    if r.covers_whole_file:
        return f"HỢP LỆ: {who}; tài liệu không thay đổi sau khi ký."
    return f"HỢP LỆ: {who}; sau đó tệp chỉ có cập nhật được phép ({_level_vn(r)})."


def _level_vn(r: SignatureReport) -> str:
    return {
        "FORM_FILLING": "thêm chữ ký/điền biểu mẫu",
        "LTA_UPDATES": "dữ liệu kiểm tra dài hạn hoặc siêu dữ liệu — đối chiếu mã SHA-256",
        "ANNOTATIONS": "thêm chú thích",
    }.get(r.modification_level or "", r.modification_level or "không rõ")


def _summarise(report: DocumentReport) -> None:
    sigs = report.signatures
    if not sigs:
        report.verdict = "Tệp không có chữ ký số."
        return
    report.all_valid = all(s.bottom_line and s.cert_valid_at_signing for s in sigs)
    report.changed_after_last_signature = not sigs[-1].covers_whole_file
    if not report.all_valid:
        bad = sum(1 for s in sigs if not (s.bottom_line and s.cert_valid_at_signing))
        report.verdict = f"KHÔNG HỢP LỆ: {bad}/{len(sigs)} chữ ký không hợp lệ."
    elif report.changed_after_last_signature:
        report.verdict = (
            f"Cả {len(sigs)} chữ ký hợp lệ, nhưng tệp có cập nhật sau chữ ký cuối cùng; "
            "đối chiếu mã SHA-256 với bản đã phát hành."
        )
    else:
        report.verdict = f"HỢP LỆ: cả {len(sigs)} chữ ký hợp lệ; tệp không thay đổi sau khi ký."


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
