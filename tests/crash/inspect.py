"""Run inside a crash-test installation (python -m tests.crash.inspect NAME ...): prints JSON."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any


def token(username: str) -> str:
    from django.contrib.auth import get_user_model

    from hoso.accounts.services import create_token

    user = get_user_model().objects.get(username=username)
    return create_token(user=user, name="crash test")[1]


def uploads() -> dict[str, Any]:
    """Every stored version: its original hash, rendition state and whether the blob is intact."""
    from hoso.records.models import RecordVersion
    from hoso.storage import blob_store

    store = blob_store()
    rows = list(RecordVersion.objects.values("pk", "original_sha256", "rendition_status"))
    by_sha: dict[str, int] = {}
    for row in rows:
        by_sha[row["original_sha256"]] = by_sha.get(row["original_sha256"], 0) + 1
    broken = [
        r["original_sha256"]
        for r in rows
        if not store.exists(r["original_sha256"]) or not store.verify(r["original_sha256"])
    ]
    states: dict[str, int] = {}
    for row in rows:
        states[row["rendition_status"]] = states.get(row["rendition_status"], 0) + 1
    return {"count": len(rows), "by_sha": by_sha, "broken": broken, "states": states}


def slots(record_type: str, *teachers: str) -> dict[str, list[str]]:
    """Periods in which each teacher can still upload (no record yet, or a draft)."""
    from hoso.org.years import current_year
    from hoso.records.models import Record, RecordType
    from hoso.records.periods import slots_for

    kind = RecordType.objects.get(code=record_type)
    year = current_year()
    keys = [slot.key for slot in slots_for(kind.period, kind.due_rule, year)]
    free: dict[str, list[str]] = {}
    for teacher in teachers:
        if not _may_create(teacher, kind):
            continue
        taken = set(
            Record.objects.filter(owner__username=teacher, record_type=kind)
            .exclude(state="draft")
            .values_list("period_key", flat=True)
        )
        free[teacher] = [key for key in keys if key not in taken]
    return free


def _may_create(username: str, kind: Any) -> bool:
    from django.contrib.auth import get_user_model

    from hoso.core.errors import DomainError
    from hoso.policy import can
    from hoso.records.services.versions import record_unit_for

    user = get_user_model().objects.get(username=username)
    try:
        return can(user, "records.record.create", record_unit_for(user, kind))
    except DomainError:
        return False


def audit() -> dict[str, Any]:
    from hoso.audit.verify import verify_chain

    checked, problem = verify_chain()
    return {"checked": checked, "problem": None if problem is None else problem.reason}


SIGN_TYPE = "CRASH.KY."
PRINCIPALS = ("th1.hieutruong", "th2.hieutruong")


def signables(count: str) -> dict[str, list[int]]:
    """`count` records waiting for a principal's signature (one record type each: a type has
    one record per school and period), alternating between two schools."""
    import io

    from django.contrib.auth import get_user_model

    from hoso.records.models import Keeper, Period, RecordType
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services.versions import Upload, record_upload
    from hoso.records.services.workflow import record_submit

    users = {u.username: u for u in get_user_model().objects.filter(username__in=PRINCIPALS)}
    made: dict[str, list[int]] = {name: [] for name in PRINCIPALS}
    for n in range(int(count)):
        kind, _ = RecordType.objects.get_or_create(
            code=f"{SIGN_TYPE}{n:04d}",
            defaults={
                "name": f"Quyết định thử ký số {n}",
                "levels": ["TH"],
                "keeper": Keeper.SCHOOL,
                "period": Period.ONCE,
                "signing_chain": [{"role": "HT", "action": "sign"}],
                "formats": ["pdf"],
            },
        )
        principal = users[PRINCIPALS[n % len(PRINCIPALS)]]
        pdf = simple_pdf(f"Quyết định số {n}/QĐ", ["Điều 1. Nội dung thử.", "HIỆU TRƯỞNG"])
        version = record_upload(
            actor=principal, record_type=kind, upload=Upload(io.BytesIO(pdf), f"qd-{n}.pdf")
        )
        record_submit(actor=principal, record_id=version.record_id)
        made[principal.username].append(version.record_id)
    return made


def signing(mode: str = "full") -> dict[str, Any]:
    """Every crash-test record: one version, at most one signature; every signed version valid
    for pyHanko and intact for pdfsig; unsigned ones untouched; every batch finished.
    `quick`: only the state of the batches."""
    from hoso.records.models import Record
    from hoso.signing import conf
    from hoso.signing.documents import read_blob
    from hoso.signing.engine.validate import PdfValidator
    from hoso.signing.models import SignatureRecord, SignBatch, SignBatchItem

    items = SignBatchItem.objects.filter(record__record_type__code__startswith=SIGN_TYPE)
    batches = SignBatch.objects.filter(items__in=items).distinct()
    if mode == "quick":
        return {"batches": _count(batches, "status"), "items": _count(items, "status")}
    validator = PdfValidator(conf.trust_anchors(), other_certs=conf.intermediates())
    signatures: dict[int, list[int]] = {}
    for sig in SignatureRecord.objects.filter(
        version__record__record_type__code__startswith=SIGN_TYPE
    ):
        signatures.setdefault(sig.version.record_id, []).append(sig.pk)
    out: dict[str, Any] = {"signed": [], "unsigned": [], "double": [], "versions": [], "bad": []}
    for record in Record.objects.filter(record_type__code__startswith=SIGN_TYPE).order_by("pk"):
        versions = list(record.versions.all())
        sigs = signatures.get(record.pk, [])
        if len(versions) != 1:
            out["versions"].append(record.pk)
        if len(sigs) > 1:
            out["double"].append(record.pk)
        version = versions[-1]
        if not sigs:
            out["unsigned"].append(record.pk)
            if version.signed_sha256 or record.state != "submitted":
                out["bad"].append([record.pk, "unsigned but changed"])
            continue
        out["signed"].append(record.pk)
        pdf = read_blob(version.signed_sha256)
        report = validator.validate(pdf)
        # An issued file carries one signature plus the document time-stamps of B-LTA.
        personal = [s for s in report.signatures if s.kind != "doc_timestamp"]
        timestamps = {s.field_name for s in report.signatures if s.kind == "doc_timestamp"}
        poppler = _pdfsig_one_intact(pdf, timestamps)
        if not (report.all_valid and len(personal) == 1 and poppler):
            why = f"valid={report.all_valid} personal={len(personal)} pdfsig={poppler}"
            notes = "; ".join(report.notes + [p for s in report.signatures for p in s.problems])
            out["bad"].append([record.pk, f"signature not valid/intact: {why} {notes}"])
        if record.state != "issued":
            out["bad"].append([record.pk, f"signed but {record.state}"])
    out["batches"] = _count(batches, "status")
    out["items"] = _count(items, "status")
    out["messages"] = sorted(set(items.filter(status="failed").values_list("message", flat=True)))
    for item in items.filter(status="done"):
        if item.signature_id is None or item.signature_id not in signatures.get(item.record_id, []):
            out["bad"].append([item.record_id, "batch item done without its signature"])
    return out


def _pdfsig_one_intact(pdf: bytes, timestamp_fields: set[str]) -> bool:
    """poppler agrees: exactly one signature (document time-stamps aside), and it is valid.

    Document time-stamps are left out by field name: poppler 22 reports their sub-filter
    (ETSI.RFC3161) as "unknown" and does not verify them; pyHanko checks them above."""
    from hoso.signing.engine.validate import pdfsig_report

    sigs = [s for s in pdfsig_report(pdf) if s.get("Signature Field Name") not in timestamp_fields]
    return len(sigs) == 1 and sigs[0].get("Signature Validation") == "Signature is Valid."


def _count(queryset: Any, field: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in queryset.values_list(field, flat=True):
        counts[value] = counts.get(value, 0) + 1
    return counts


def main() -> None:
    import django

    django.setup()
    name, args = sys.argv[1], sys.argv[2:]
    commands = {
        "token": token,
        "uploads": uploads,
        "audit": audit,
        "slots": slots,
        "signables": signables,
        "signing": signing,
    }
    result = commands[name](*args)
    print(json.dumps(result))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()


__all__ = ["hashlib"]
