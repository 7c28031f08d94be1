"""Validation in the app: per-signature reports against the configured trust anchors, plus
what only HoSo knows — the SHA-256 of every file it produced — to flag changes that a PDF
validator accepts (e.g. an /Info-only update after signing)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.signing import conf
from hoso.signing.engine.words import WARNING_HEADING, headed
from hoso.signing.models import SignatureRecord

if TYPE_CHECKING:
    from hoso.signing.engine.validate import DocumentReport, PdfValidator

MAX_VALIDATE_BYTES = 50 * 1024 * 1024


@lru_cache(maxsize=4)
def _validator(anchor_key: tuple[str, ...]) -> PdfValidator:
    # The validator brings pyHanko: loaded by the first validation, not by a web process's start.
    from hoso.signing.engine.validate import PdfValidator

    return PdfValidator(conf.trust_anchors(), other_certs=conf.intermediates())


def validator() -> PdfValidator:
    """One validator per trust setting per process (it caches parsed roots), with the CAs'
    current CRLs (conf.fresh_crls, refreshed every ten minutes)."""
    key = tuple(str(p) for p in conf.trust_anchor_paths() + conf.intermediate_paths())
    found = _validator(key)
    found.fresh_crls = conf.fresh_crls()
    return found


IssuedLookup = Callable[[list[str]], dict[str, str]]
_LOOKUPS: list[IssuedLookup] = []


def register_issued_lookup(lookup: IssuedLookup) -> None:
    """Other apps that issue signed files (học bạ…) tell the validator which SHA-256 are
    theirs: `lookup(hashes) -> {sha256: what it is}` for the hashes it knows."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)


def _records_lookup(hashes: list[str]) -> dict[str, str]:
    found = SignatureRecord.objects.filter(output_sha256__in=hashes).values_list(
        "output_sha256", "version_id"
    )
    return {
        sha: _("hồ sơ (phiên bản #%(version_id)s)") % {"version_id": version_id}
        for sha, version_id in found
    }


def known_files(hashes: list[str]) -> dict[str, str]:
    """Which of `hashes` are files HoSo made (any app), with a short description."""
    from hoso.signing.services.archive import issued_archive_files

    known: dict[str, str] = {}
    for lookup in [_records_lookup, issued_archive_files, *_LOOKUPS]:
        for sha, label in lookup(hashes).items():
            known.setdefault(sha, label)
    return known


def signed_revision_hashes(pdf: bytes) -> list[str]:
    """SHA-256 of the file as it was when each signature was made (up to its byte range); ""
    for a signature whose /ByteRange is not the standard four numbers."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        ranges = [sig.sig_object.get("/ByteRange") for sig in reader.embedded_signatures]
    except Exception:
        return []
    return [_revision_hash(pdf, r) for r in ranges]


def signed_revision_candidates(pdf: bytes, *, own_file: bool = False) -> list[set[str]]:
    """Per signature (/Sig, in order): SHA-256 of the file at every revision end from that
    signature's own revision up to (not including) the next signature's. The file HoSo stored
    after a step is one of them even when the step appended validation data (B-LT) or an
    archive time-stamp (B-LTA) after the signature itself. `own_file`: the caller checked that
    these are the very bytes HoSo wrote (their SHA-256 is the one HoSo recorded), so they are
    read with the parser speed-ups of HoSo's signing path (the same objects, faster); a verdict
    on the signatures never comes from here (the validator runs stock pyHanko)."""
    from contextlib import nullcontext

    from pyhanko.pdf_utils.reader import PdfFileReader

    from hoso.signing.engine import speedups

    try:
        with speedups.signing() if own_file else nullcontext():
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            sigs = reader.embedded_regular_signatures  # a document time-stamp: its step's
            ends = [_range_end(s.sig_object.get("/ByteRange")) for s in sigs]
    except Exception:
        return []
    bounds = _revision_ends(pdf)
    result: list[set[str]] = []
    for index, end in enumerate(ends):
        if end is None:
            result.append(set())
            continue
        stop = next((e for e in ends[index + 1 :] if e is not None), len(pdf) + 1)
        result.append({hashlib.sha256(pdf[:b]).hexdigest() for b in bounds if end <= b < stop})
    return result


def _range_end(byte_range: Any) -> int | None:
    try:
        numbers = [int(v) for v in byte_range]
    except (TypeError, ValueError):
        return None
    return numbers[2] + numbers[3] if len(numbers) == 4 else None


def _revision_ends(pdf: bytes) -> list[int]:
    """Offsets just after each `%%EOF` marker (and its end of line)."""
    ends, at = [], pdf.find(b"%%EOF")
    while at != -1:
        end = at + 5
        if pdf[end : end + 2] == b"\r\n":
            end += 2
        elif pdf[end : end + 1] in (b"\n", b"\r"):
            end += 1
        ends.append(end)
        at = pdf.find(b"%%EOF", end)
    return ends


def _revision_hash(pdf: bytes, byte_range: Any) -> str:
    try:
        numbers = [int(v) for v in byte_range]
    except (TypeError, ValueError):
        return ""
    if len(numbers) != 4 or min(numbers) < 0 or numbers[2] + numbers[3] > len(pdf):
        return ""
    return hashlib.sha256(pdf[: numbers[2] + numbers[3]]).hexdigest()


def hoso_provenance(pdf: bytes, report: DocumentReport) -> list[dict[str, Any]]:
    """Per signature: whether HoSo made that revision, and whether the file changed after the
    last revision HoSo made (in a way HoSo did not make)."""
    revisions = signed_revision_hashes(pdf)
    whole = hashlib.sha256(pdf).hexdigest()
    known = known_files([r for r in revisions if r] + [whole])
    issued_whole = whole in known
    result = []
    for index, sha in enumerate(revisions):
        made = known.get(sha) if sha else None
        later_hoso = any(r in known for r in revisions[index + 1 :]) or issued_whole
        changed = (not issued_whole) and not later_hoso and sha != whole
        result.append(
            {
                "made_by_hoso": made is not None,
                "hoso_file": made,
                "hoso_record_version": _version_id(sha) if made else None,
                "changed_outside_hoso": bool(made is not None and changed),
            }
        )
    return result


def _version_id(sha: str) -> int | None:
    row = SignatureRecord.objects.filter(output_sha256=sha).values_list("version_id").first()
    return row[0] if row else None


def validate_pdf(pdf: bytes) -> dict[str, Any]:
    """Report for an uploaded PDF, as a JSON-ready dict with a plain-Vietnamese verdict."""
    report = validator().validate(pdf)
    data = report.to_dict()
    provenance = hoso_provenance(pdf, report) if report.signatures else []
    for sig, prov in zip(data["signatures"], provenance, strict=False):
        sig.update(prov)
        if prov["changed_outside_hoso"]:
            sig["verdict"] += " " + headed(
                WARNING_HEADING,
                _("tệp đã bị thay đổi sau khi HoSo ký/phát hành (mã SHA-256 khác bản HoSo lưu)."),
            )
    issued = known_files([report.sha256]).get(report.sha256)
    data["issued_by_hoso"] = issued is not None
    data["hoso_file"] = issued
    if issued is not None and data["changed_after_last_signature"]:
        # the very file HoSo issued: whatever follows the last signature is HoSo's own update
        data["changed_after_last_signature"] = False
        data["validation_updates_only"] = True
    if any(p["changed_outside_hoso"] for p in provenance):
        data["all_valid"] = False
        data["verdict"] = (
            headed(
                WARNING_HEADING,
                _(
                    "tệp khác với bản HoSo đã ký/phát hành (có thay đổi sau chữ ký mà HoSo "
                    "không thực hiện)."
                ),
            )
            + " "
            + data["verdict"]
        )
    data["trust_anchors"] = [p.name for p in conf.trust_anchor_paths()]
    return data


def validate_detached(data: bytes, p7s: bytes) -> dict[str, Any]:
    from hoso.signing.engine.cades import validate_detached as engine_validate
    from hoso.signing.engine.validate import build_validation_context

    vc = build_validation_context(conf.trust_anchors(), other_certs=conf.intermediates())
    return engine_validate(data, p7s, vc).to_dict()


def validate_upload(*, data: bytes, filename: str, detached: bytes | None = None) -> dict[str, Any]:
    if len(data) > MAX_VALIDATE_BYTES:
        raise DomainError(_("Tệp quá lớn để kiểm tra (tối đa 50 MB)."))
    if detached is not None:
        return {"kind": "cades", **validate_detached(data, detached)}
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise DomainError(
            _(
                "Tệp không phải PDF. Với tệp giữ nguyên định dạng (DOCX, XLSX…), "
                "hãy gửi kèm chữ ký rời (.p7s)."
            )
        )
    return {"kind": "pdf", **validate_pdf(data)}
