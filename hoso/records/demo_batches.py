"""Demo batches: a finished batch per principal, so the batch pages and their authorization
have objects (registered in hoso.records.demo, after the PKI step has given certificates)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings

from hoso.records.models import RecordType
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services import versions as services
from hoso.records.services import workflow
from hoso.signing.services.batches import batch_run, batch_start

# (school, uploader, record types, reviewer or None): the school's principal signs them in one
# batch. th1's principal signed twice this week (two batches: own and same-school objects).
DEMO_BATCHES: list[tuple[str, str, tuple[str, ...], str | None]] = [
    ("th1", "th1.vanthu", ("TT28.KT", "TT28.BTHKQ"), "th1.phohieutruong"),
    ("th1", "th1.vanthu", ("TT28.QLVB",), None),
    ("thcs1", "thcs1.hieutruong", ("TT32.SDB", "TT32.CPVB"), None),
    ("th2", "th2.hieutruong", ("TT28.SDB", "TT28.QLVB"), None),
]


def _approved_for_principal(
    users: dict[str, Any], uploader: str, codes: tuple[str, ...], reviewer: str | None
) -> list[int]:
    ids = []
    for code in codes:
        kind = RecordType.objects.get(code=code)
        pdf = simple_pdf(kind.name, ["Nội dung theo mẫu.", "HIỆU TRƯỞNG"])
        version = services.record_upload(
            actor=users[uploader],
            record_type=kind,
            upload=services.Upload(io.BytesIO(pdf), f"{code.lower()}.pdf"),
        )
        workflow.record_submit(actor=users[uploader], record_id=version.record_id)
        if reviewer is not None and kind.signing_chain[0].get("action") == "review":
            workflow.record_approve(actor=users[reviewer], record_id=version.record_id)
        ids.append(version.record_id)
    return ids


def demo_batches_step(province: Any) -> None:
    """Each principal (th1, thcs1, th2) batch-signed the school's records waiting for them."""
    for school, uploader, codes, reviewer in DEMO_BATCHES:
        principal = province.users.get(f"{school}.hieutruong")
        if principal is None or uploader not in province.users:
            continue
        ids = _approved_for_principal(province.users, uploader, codes, reviewer)
        batch = batch_start(actor=principal, record_ids=ids, passphrase=settings.DEMO_PASSWORD)
        batch_run(batch_id=batch.pk)  # the queued task then finds it done
