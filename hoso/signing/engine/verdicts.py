"""Reports and their Vietnamese wording: every problem that applies to a signature, the most
serious first, built from pyHanko's status objects (or from the exception a hostile file
raised). No validation happens here; the words that pages show alone are in words.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyhanko.sign.validation.status import SignatureCoverageLevel

from hoso.core.formats import vn_datetime
from hoso.signing.engine.signers import cert_display_name
from hoso.signing.engine.words import (
    INVALID_HEADING,
    UNTRUSTED_HEADING,
    VALID_HEADING,
    headed,
    level_vn,
)

VN_TZ = dt.timezone(dt.timedelta(hours=7))

# Severity of each problem: lower = more serious, reported first.
STRUCTURE, INTEGRITY, CRYPTO, REVOKED, CHANGED, PERIOD, TRUST, TIMESTAMP = range(8)


def iso_vn(when: dt.datetime | None) -> str | None:
    """ISO 8601 in Vietnam time, e.g. 2025-05-20T09:15:30+07:00."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def said(iso: str | None) -> str:
    """A time inside a sentence as people read it, "09:15, 20/05/2025" (the report's fields
    keep ISO 8601 for programs)."""
    return vn_datetime(iso) if iso else _("không rõ")


@dataclass
class SignatureReport:
    """Result for one signature field (a signature or a document time-stamp)."""

    field_name: str
    signer_name: str = ""
    signer_subject: str = ""
    issuer: str = ""
    serial_number: str = ""
    chain: list[str] = field(default_factory=list)
    cert_not_before: str | None = None
    cert_not_after: str | None = None
    # When the certificate was judged: the time-stamp's time ("timestamp"), the time of a later
    # document time-stamp that proves the signature existed ("document_timestamp"), or, with no
    # proof, the validation time; `claimed_time` is the signer's own clock (/M), never decisive.
    signing_time: str | None = None
    signing_time_source: str = "claimed"
    claimed_time: str | None = None
    judged_at: str | None = None
    timestamp_time: str | None = None
    timestamp_valid: bool | None = None
    intact: bool = False
    crypto_valid: bool = False
    trusted: bool = False
    trust_problem: str | None = None
    revoked: bool = False
    cert_valid_at_signing: bool = False
    coverage: str = "UNCLEAR"
    covers_whole_file: bool = False
    modification_level: str | None = None
    docmdp_ok: bool | None = None
    bottom_line: bool = False  # no problem at all (the signature is valid)
    verdict: str = ""
    kind: str = "signature"  # or "doc_timestamp"
    problems: list[str] = field(default_factory=list)
    signed_revision: int | None = None
    _ranked: list[tuple[int, str]] = field(default_factory=list, repr=False)

    def add(self, severity: int, text: str) -> None:
        self._ranked.append((severity, text))

    def finish(self, valid_text: str) -> None:
        self._ranked.sort(key=lambda item: item[0])
        self.problems = [text for _, text in self._ranked]
        self.bottom_line = not self.problems
        if not self.problems:
            self.verdict = headed(VALID_HEADING, valid_text)
        elif all(sev == TRUST for sev, _ in self._ranked):
            self.verdict = headed(UNTRUSTED_HEADING, "; ".join(self.problems) + ".")
        else:
            self.verdict = headed(INVALID_HEADING, "; ".join(self.problems) + ".")

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_ranked", None)
        return data


@dataclass
class DocumentReport:
    """Result for one PDF file."""

    sha256: str
    size: int
    signatures: list[SignatureReport] = field(default_factory=list)
    all_valid: bool = False
    changed_after_last_signature: bool = False
    # Updates after the last signature hold only validation data (DSS) or document
    # time-stamps: what B-LT / B-LTA add, not a change of the document.
    validation_updates_only: bool = False
    notes: list[str] = field(default_factory=list)
    verdict: str = ""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signatures"] = [s.public() for s in self.signatures]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def fill_certificate(rep: SignatureReport, cert: Any) -> None:
    if cert is None:
        return
    validity = cert["tbs_certificate"]["validity"]
    rep.signer_name = cert_display_name(cert)
    rep.signer_subject = cert.subject.human_friendly
    rep.issuer = cert.issuer.human_friendly
    rep.serial_number = format(cert.serial_number, "x")
    rep.chain = rep.chain or [rep.signer_name]
    rep.cert_not_before = iso_vn(validity["not_before"].native)
    rep.cert_not_after = iso_vn(validity["not_after"].native)


def who(rep: SignatureReport) -> str:
    return _("%(signer_name)s (ký lúc %(signing_time)s)") % {
        "signer_name": rep.signer_name or _("người ký"),
        "signing_time": said(rep.signing_time),
    }


_EXPIRED = {"OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"}
_NOT_YET = {"NOT_YET_VALID"}
_REVOKED = {"REVOKED_NO_POE", "REVOKED_CA_NO_POE", "REVOKED"}
_UNTRUSTED = {"NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE"}
_CRYPTO = {"CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"}


def when_text(rep: SignatureReport) -> str:
    if rep.signing_time_source == "timestamp":
        return _("lúc ký (theo dấu thời gian %(signing_time)s)") % {
            "signing_time": said(rep.signing_time)
        }
    if rep.signing_time_source == "document_timestamp":
        return _("lúc %(signing_time)s (dấu thời gian tài liệu chứng minh chữ ký đã có)") % {
            "signing_time": said(rep.signing_time)
        }
    return _("lúc kiểm tra %(judged_at)s (không có bằng chứng về thời điểm ký)") % {
        "judged_at": said(rep.judged_at)
    }


def judge_signature(rep: SignatureReport, st: Any, digest: str = "") -> None:
    """Problems of a /Sig from pyHanko's `PdfSignatureStatus`."""
    cov = st.coverage or SignatureCoverageLevel.UNCLEAR
    mod = st.modification_level
    rep.intact, rep.crypto_valid, rep.trusted = bool(st.intact), bool(st.valid), bool(st.trusted)
    rep.revoked = rep.revoked or bool(st.revoked)
    indic = getattr(st.trust_problem_indic, "name", "") or ""
    rep.trust_problem = indic or None
    rep.coverage = cov.name
    rep.covers_whole_file = cov == SignatureCoverageLevel.ENTIRE_FILE
    rep.modification_level = mod.name if mod is not None else None
    rep.docmdp_ok = st.docmdp_ok
    if st.validation_path is not None:
        rep.chain = [cert_display_name(c) for c in st.validation_path.iter_certs(True)][::-1]
    if not rep.intact:
        rep.add(INTEGRITY, _("nội dung đã bị sửa sau khi %(who)s ký") % {"who": who(rep)})
    elif not rep.crypto_valid:
        rep.add(CRYPTO, _("chữ ký số của %(who)s không đúng") % {"who": who(rep)})
    if st.revoked or indic in _REVOKED:
        rep.add(REVOKED, _revoked_text(rep, st))
    if mod is not None and (not st.docmdp_ok or not getattr(st, "seed_value_ok", True)):
        rep.add(
            CHANGED,
            _("tài liệu đã bị thay đổi không được phép sau khi %(who)s ký") % {"who": who(rep)},
        )
    outside = _outside_period(rep)
    if outside and indic not in _EXPIRED and indic not in _NOT_YET and not rep.trusted:
        indic = "NOT_YET_VALID" if outside == "before" else "EXPIRED"
    if indic in _EXPIRED or indic in _NOT_YET:
        state = _("chưa có hiệu lực") if indic in _NOT_YET else _("đã hết hiệu lực")
        rep.add(
            PERIOD,
            _(
                "chứng thư số của %(signer_name)s %(state)s %(when_text)s; hiệu lực "
                "%(cert_not_before)s – %(cert_not_after)s"
            )
            % {
                "signer_name": rep.signer_name,
                "state": state,
                "when_text": when_text(rep),
                "cert_not_before": said(rep.cert_not_before),
                "cert_not_after": said(rep.cert_not_after),
            },
        )
    elif indic in _CRYPTO:
        rep.add(
            CRYPTO,
            _("chữ ký của %(signer_name)s dùng thuật toán không còn được chấp nhận (%(digest)s)")
            % {"signer_name": rep.signer_name, "digest": digest},
        )
    elif not rep.trusted and not rep.revoked and indic not in _REVOKED:
        rep.add(
            TRUST,
            _("chứng thư số của %(who)s không thuộc chuỗi tin cậy đã cấu hình") % {"who": who(rep)}
            + (f" ({indic})" if indic and indic not in _UNTRUSTED else ""),
        )
    rep.cert_valid_at_signing = not (
        rep.revoked
        or any(sev == REVOKED for sev, _ in rep._ranked)
        or indic in _REVOKED
        or indic in _EXPIRED
        or indic in _NOT_YET
    )
    ts = st.timestamp_validity
    if ts is not None and not rep.timestamp_valid:
        tsa = cert_display_name(ts.signing_cert) if ts.signing_cert is not None else _("không rõ")
        state = _("không tin cậy") if ts.intact and ts.valid else _("không hợp lệ")
        rep.add(
            TIMESTAMP,
            _("dấu thời gian của chữ ký %(state)s (đơn vị cấp: %(tsa)s)")
            % {"state": state, "tsa": tsa},
        )
    rep.finish(_valid_text(rep))


def _outside_period(rep: SignatureReport) -> str | None:
    """ "before"/"after" when the judged time is outside the certificate's own validity."""
    try:
        at = dt.datetime.fromisoformat(rep.judged_at or "")
        nb = dt.datetime.fromisoformat(rep.cert_not_before or "")
        na = dt.datetime.fromisoformat(rep.cert_not_after or "")
    except ValueError:
        return None
    return "before" if at < nb else "after" if at > na else None


def _revoked_text(rep: SignatureReport, st: Any) -> str:
    details = st.revocation_details
    date = iso_vn(details.revocation_date) if details is not None else None
    base = _("chứng thư số của %(signer_name)s đã bị thu hồi") % {
        "signer_name": rep.signer_name
    } + (_(" từ %(date)s") % {"date": said(date)} if date else "")
    if rep.signing_time_source in ("timestamp", "document_timestamp"):
        return base + _(", trước thời điểm ký đã được chứng minh (%(signing_time)s)") % {
            "signing_time": said(rep.signing_time)
        }
    return base + _(" (không có bằng chứng chữ ký có trước ngày thu hồi)")


def revoked_before_text(rep: SignatureReport, when: dt.datetime) -> str:
    """A revocation the CA published later, dated before the proven signing time."""
    rep.revoked = True
    return _(
        "chứng thư số của %(signer_name)s đã bị thu hồi từ %(when)s, trước thời điểm ký đã được "
        "chứng minh (%(judged_at)s) — theo danh sách thu hồi (CRL) hiện hành"
    ) % {
        "signer_name": rep.signer_name,
        "when": said(iso_vn(when)),
        "judged_at": said(rep.judged_at),
    }


def _valid_text(rep: SignatureReport) -> str:
    text = f"{who(rep)}; "
    if rep.covers_whole_file:
        text += _("tài liệu không thay đổi sau khi ký.")
    else:
        text += _("sau đó tệp chỉ có cập nhật được phép (%(level_vn)s).") % {
            "level_vn": level_vn(rep.modification_level)
        }
    if rep.signing_time_source == "claimed":
        text += _(
            " Thời điểm ký chỉ do người ký tự khai (không có dấu thời gian); chứng thư số được "
            "kiểm tra tại thời điểm kiểm tra %(judged_at)s."
        ) % {"judged_at": said(rep.judged_at)}
    return text


def judge_doc_timestamp(rep: SignatureReport, st: Any) -> None:
    """Problems of a /DocTimeStamp from pyHanko's `DocumentTimestampStatus`."""
    cov = st.coverage or SignatureCoverageLevel.UNCLEAR
    mod = getattr(st, "modification_level", None)
    rep.kind = "doc_timestamp"
    rep.intact, rep.crypto_valid, rep.trusted = bool(st.intact), bool(st.valid), bool(st.trusted)
    rep.trust_problem = getattr(st.trust_problem_indic, "name", None)
    rep.timestamp_time = rep.signing_time = iso_vn(st.timestamp)
    rep.signing_time_source = "timestamp"
    rep.timestamp_valid = rep.intact and rep.crypto_valid and rep.trusted
    rep.coverage = cov.name
    rep.covers_whole_file = cov == SignatureCoverageLevel.ENTIRE_FILE
    rep.modification_level = mod.name if mod is not None else None
    rep.docmdp_ok = getattr(st, "docmdp_ok", None)
    rep.cert_valid_at_signing = rep.trusted
    if not rep.intact:
        rep.add(
            INTEGRITY,
            _("nội dung đã bị sửa sau dấu thời gian tài liệu lúc %(signing_time)s")
            % {"signing_time": said(rep.signing_time)},
        )
    elif not rep.crypto_valid:
        rep.add(CRYPTO, _("chữ ký của dấu thời gian tài liệu không đúng"))
    if mod is not None and rep.docmdp_ok is False:
        rep.add(
            CHANGED,
            _("tài liệu đã bị thay đổi không được phép sau lúc %(signing_time)s")
            % {"signing_time": said(rep.signing_time)},
        )
    if rep.intact and rep.crypto_valid and not rep.trusted:
        rep.add(
            TIMESTAMP,
            _("dấu thời gian tài liệu của %(signer_name)s không tin cậy (%(trust_problem)s)")
            % {"signer_name": rep.signer_name, "trust_problem": rep.trust_problem or _("không rõ")},
        )
    rep.finish(
        _("dấu thời gian tài liệu của %(signer_name)s lúc %(signing_time)s.")
        % {"signer_name": rep.signer_name, "signing_time": said(rep.signing_time)}
    )


_ALGO = re.compile(r"algorithm (\S+) is not allowed")


def judge_exception(rep: SignatureReport, exc: Exception) -> None:
    """A file pyHanko could not evaluate: a clear verdict instead of an error."""
    from pyhanko.sign.validation.errors import DisallowedAlgorithmError

    text = str(exc)
    if isinstance(exc, DisallowedAlgorithmError):
        found = _ALGO.search(text)
        algo = found.group(1) if found else _("không rõ")
        rep.add(
            CRYPTO, _("chữ ký dùng thuật toán không còn được chấp nhận (%(algo)s)") % {"algo": algo}
        )
    else:
        rep.add(
            STRUCTURE,
            _("không kiểm tra được chữ ký (%(name)s: %(text)s)")
            % {"name": type(exc).__name__, "text": text[:200]},
        )
    rep.finish("")


def summarise(report: DocumentReport) -> None:
    sigs = report.signatures
    if not sigs:
        report.verdict = report.error or _("Tệp không có chữ ký số.")
        return
    report.all_valid = all(s.bottom_line for s in sigs)
    last = sigs[-1]
    report.changed_after_last_signature = not last.covers_whole_file and not (
        report.validation_updates_only
    )
    count = sum(1 for s in sigs if s.kind == "signature")
    stamps = len(sigs) - count
    what = (
        _("%(count)s chữ ký và %(stamps)s dấu thời gian tài liệu")
        if stamps
        else _("%(count)s chữ ký")
    ) % {"count": count, "stamps": stamps}
    if not report.all_valid:
        bad = sum(1 for s in sigs if not s.bottom_line)
        report.verdict = headed(
            INVALID_HEADING,
            _("%(bad)s/%(count)s chữ ký/dấu thời gian không hợp lệ.")
            % {"bad": bad, "count": len(sigs)},
        )
    elif report.changed_after_last_signature:
        report.verdict = _(
            "Cả %(what)s hợp lệ, nhưng tệp có cập nhật sau chữ ký cuối cùng; đối chiếu mã SHA-256 "
            "với bản đã phát hành."
        ) % {"what": what}
    elif report.validation_updates_only:
        report.verdict = headed(
            VALID_HEADING,
            _(
                "cả %(what)s hợp lệ; sau chữ ký cuối chỉ có dữ liệu kiểm tra dài hạn "
                "(chứng thư, OCSP/CRL, dấu thời gian)."
            )
            % {"what": what},
        )
    else:
        report.verdict = headed(
            VALID_HEADING, _("cả %(what)s hợp lệ; tệp không thay đổi sau khi ký.") % {"what": what}
        )
    if report.notes:
        report.verdict += " " + " ".join(report.notes)
