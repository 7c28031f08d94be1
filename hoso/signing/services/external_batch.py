"""Batch signing with the person's own USB token (through the local hoso-signer agent).

Design: the page asks for the *plan* (`usb_batch_plan`: which of the selected records are
really waiting for this person's signature, with their titles, and which registered token
certificate to use), the agent is asked ONCE to confirm the whole batch and for the PIN, then
each document goes through the ordinary two-phase pair, one after another:
`version_sign_prepare` → agent signs the digest → `version_sign_complete`. Each completion is
its own transaction, so every document is either signed completely or left unchanged; if the
agent goes away mid-batch the remaining documents are simply never completed, and their
prepared sessions expire (`door.external_sessions_purge`, every 5 minutes and at each
prepare). No batch prepare of many digests: it would keep N PDF copies alive for as long as
the slowest token takes, and a failure would have to be unwound for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from hoso.core.errors import DomainError
from hoso.signing.documents import ensure_trusted
from hoso.signing.models import Backend, Certificate, CertKind
from hoso.signing.selectors import sign_queue
from hoso.signing.services.batches import MAX_BATCH, approved_this_week
from hoso.signing.services.certificates import certificate_for_signing
from hoso.signing.work import work

NOT_EXTERNAL = gettext_lazy(
    "Chứng thư số này không nằm trên USB token; hãy ký hàng loạt bằng mật khẩu chứng thư, "
    "hoặc đăng ký chứng thư đọc từ USB token."
)
NOTHING = gettext_lazy("Không có hồ sơ nào đang chờ bạn ký trong lựa chọn này.")


@dataclass(frozen=True)
class PlannedDocument:
    record: int
    title: str
    version: int
    part: str = ""  # the subject this signature is for, on a score book's subject step


@dataclass(frozen=True)
class UsbBatchPlan:
    certificate: Certificate
    documents: list[PlannedDocument]


def usb_batch_plan(
    *,
    actor: Any,
    record_ids: list[int] | None = None,
    this_week: bool = False,
    certificate_id: int | None = None,
) -> UsbBatchPlan:
    """The records of the selection (or everything approved this week) waiting for `actor`'s
    signature, in the order chosen, and `actor`'s own valid, trusted token certificate.
    Reads only; records the person may not sign are left out (hidden = missing)."""
    cert = certificate_for_signing(
        actor=actor, certificate_id=certificate_id, kind=CertKind.PERSONAL
    )
    if cert.backend != Backend.EXTERNAL:
        raise DomainError(NOT_EXTERNAL)
    ensure_trusted(cert)
    ids = approved_this_week(actor) if this_week else list(dict.fromkeys(record_ids or []))
    ids = [i for i in ids if 0 < i < 2**63]
    workflows = {wf.record_id: wf for wf in sign_queue(actor).filter(record_id__in=ids)}
    docs = [doc for i in ids if i in workflows for doc in _planned(actor, workflows[i])]
    docs = docs[:MAX_BATCH]
    if not docs:
        raise DomainError(NOTHING)
    return UsbBatchPlan(cert, docs)


def _planned(actor: Any, workflow: Any) -> list[PlannedDocument]:
    """One entry per signature the person gives the document: a teacher of two subjects signs
    a class's score book twice (each subject's block), both under the batch's one PIN."""
    title, number = workflow.record.title, workflow.version.number
    parts = work().parts(actor, workflow)
    if not parts:
        return [PlannedDocument(workflow.record_id, title, number)]
    return [
        PlannedDocument(workflow.record_id, f"{title} — {part}", number, part) for part in parts
    ]
