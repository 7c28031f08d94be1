"""Validation in the app: per-signature reports against the configured trust anchors, plus
what only HoSo knows — the SHA-256 of every file it produced — to flag changes that a PDF
validator accepts (e.g. an /Info-only update after signing)."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from typing import Any

from hoso.core.errors import DomainError
from hoso.records.models import RecordVersion
from hoso.signing import conf
from hoso.signing.engine.validate import DocumentReport, PdfValidator
from hoso.signing.models import SignatureRecord

MAX_VALIDATE_BYTES = 50 * 1024 * 1024


@lru_cache(maxsize=4)
def _validator(anchor_key: tuple[str, ...]) -> PdfValidator:
    return PdfValidator(conf.trust_anchors(), other_certs=conf.intermediates())


def validator() -> PdfValidator:
    """One validator per trust setting per process (it caches parsed roots)."""
    key = tuple(str(p) for p in conf.trust_anchor_paths() + conf.intermediate_paths())
    return _validator(key)


def signed_revision_hashes(pdf: bytes) -> list[str]:
    """SHA-256 of the file as it was when each signature was made (up to its byte range)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        ranges = [sig.sig_object["/ByteRange"] for sig in reader.embedded_signatures]
    except Exception:
        return []
    return [hashlib.sha256(pdf[: int(r[2]) + int(r[3])]).hexdigest() for r in ranges]


def hoso_provenance(pdf: bytes, report: DocumentReport) -> list[dict[str, Any]]:
    """Per signature: whether HoSo made that revision, and whether the file changed after the
    last revision HoSo made (in a way HoSo did not make)."""
    revisions = signed_revision_hashes(pdf)
    whole = hashlib.sha256(pdf).hexdigest()
    known = {
        s.output_sha256: s
        for s in SignatureRecord.objects.filter(
            output_sha256__in=revisions + [whole]
        ).select_related("signer")
    }
    issued_whole = whole in known
    result = []
    for index, sha in enumerate(revisions):
        made = known.get(sha)
        later_hoso = any(r in known for r in revisions[index + 1 :]) or issued_whole
        changed = (not issued_whole) and not later_hoso and sha != whole
        result.append(
            {
                "made_by_hoso": made is not None,
                "hoso_record_version": made.version_id if made else None,
                "changed_outside_hoso": bool(made is not None and changed),
            }
        )
    return result


def validate_pdf(pdf: bytes) -> dict[str, Any]:
    """Report for an uploaded PDF, as a JSON-ready dict with a plain-Vietnamese verdict."""
    report = validator().validate(pdf)
    data = report.to_dict()
    provenance = hoso_provenance(pdf, report) if report.signatures else []
    for sig, prov in zip(data["signatures"], provenance, strict=False):
        sig.update(prov)
        if prov["changed_outside_hoso"]:
            sig["verdict"] += (
                " CẢNH BÁO: tệp đã bị thay đổi sau khi HoSo ký/phát hành "
                "(mã SHA-256 khác bản HoSo lưu)."
            )
    data["issued_by_hoso"] = SignatureRecord.objects.filter(output_sha256=report.sha256).exists()
    if any(p["changed_outside_hoso"] for p in provenance):
        data["all_valid"] = False
        data["verdict"] = (
            "CẢNH BÁO: tệp khác với bản HoSo đã ký/phát hành (có thay đổi sau chữ ký "
            "mà HoSo không thực hiện). " + data["verdict"]
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
        raise DomainError("Tệp quá lớn để kiểm tra (tối đa 50 MB).")
    if detached is not None:
        return {"kind": "cades", **validate_detached(data, detached)}
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise DomainError(
            "Tệp không phải PDF. Với tệp giữ nguyên định dạng (DOCX, XLSX…), "
            "hãy gửi kèm chữ ký rời (.p7s)."
        )
    return {"kind": "pdf", **validate_pdf(data)}


def version_report(version: RecordVersion) -> dict[str, Any] | None:
    """Validation of the signed copy HoSo holds for a version (shown on the record page)."""
    from hoso.signing.documents import read_blob

    if not version.signed_sha256:
        return None
    pdf = read_blob(version.signed_sha256)
    data = validate_pdf(pdf)
    data["stored_hash_ok"] = hashlib.sha256(pdf).hexdigest() == version.signed_sha256
    return data


def ensure_personal_signatures_valid(
    version: RecordVersion, pdf: bytes, previous: list[SignatureRecord]
) -> None:
    """The seal goes only on a document whose personal signatures all verify (NĐ 30 Điều 5:
    the organisation signs what the competent person has signed)."""
    if not previous:
        raise DomainError("Chưa có chữ ký cá nhân nào trên tài liệu; không thể đóng dấu.")
    if version.signed_sha256 and hashlib.sha256(pdf).hexdigest() != version.signed_sha256:
        raise DomainError("Tệp đã ký trong kho không khớp mã SHA-256 HoSo lưu; không thể đóng dấu.")
    report = validator().validate(pdf)
    if len(report.signatures) < len(previous):
        raise DomainError("Tài liệu thiếu chữ ký cá nhân so với lịch sử ký; không thể đóng dấu.")
    bad = [s for s in report.signatures if not (s.bottom_line and s.cert_valid_at_signing)]
    if bad:
        raise DomainError("Chưa thể đóng dấu: " + "; ".join(s.verdict for s in bad))
