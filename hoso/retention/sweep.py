"""After a destruction committed: remove the files no live row refers to, drop the records
from the search index. Idempotent; a crash between the commit and the removal is finished by
the next run (the daily job, `hoso retention sweep`, or the task queued at approval)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from hoso.audit.services import audit_log
from hoso.retention.models import DestroyedRecord, DestructionProposal, PendingBlob, ProposalState
from hoso.retention.references import live_references
from hoso.storage import blob_store

log = logging.getLogger(__name__)
# A file stored again (duplicate upload) this recently may be about to be referenced by a row
# not yet committed: leave it for a later run.
DEFAULT_GRACE_SECONDS = 3600


@dataclass
class SweepResult:
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # shared with a live version
    waiting: list[str] = field(default_factory=list)  # touched recently: next run
    proposals: int = 0


def _grace() -> float:
    return float(getattr(settings, "HOSO_RETENTION_SWEEP_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))


def sweep(*, proposal_id: int | None = None) -> SweepResult:
    proposals = DestructionProposal.objects.filter(
        state=ProposalState.APPROVED, swept_at__isnull=True
    )
    if proposal_id is not None:
        proposals = proposals.filter(pk=proposal_id)
    result = SweepResult()
    for proposal in proposals.order_by("pk"):
        result.proposals += 1
        _sweep_one(proposal, result)
    return result


def _sweep_one(proposal: DestructionProposal, result: SweepResult) -> None:
    todo = list(PendingBlob.objects.filter(proposal=proposal, removed_at__isnull=True, kept=False))
    started = time.time()
    live = live_references(blob.hash for blob in todo)
    store = blob_store()
    removed, kept, waiting = [], [], []
    for blob in todo:
        if blob.hash in live:
            kept.append(blob)
        elif store.delete(
            blob.hash, destruction=f"đề nghị {proposal.pk}", untouched_since=started - _grace()
        ) or not store.exists(blob.hash):
            removed.append(blob)
        else:
            waiting.append(blob.hash)
    now = timezone.now()
    PendingBlob.objects.filter(pk__in=[b.pk for b in removed]).update(removed_at=now)
    PendingBlob.objects.filter(pk__in=[b.pk for b in kept]).update(kept=True)
    _unindex(proposal)
    if removed or kept:
        audit_log(
            "retention.files.removed",
            actor_name="hệ thống",
            obj=proposal,
            unit_id=proposal.school_id,
            data={
                "minutes": proposal.minutes_number,
                "removed": [b.hash for b in removed],
                "kept_shared": [b.hash for b in kept],
            },
        )
    if not waiting:
        DestructionProposal.objects.filter(pk=proposal.pk).update(swept_at=now)
    result.removed += [b.hash for b in removed]
    result.kept += [b.hash for b in kept]
    result.waiting += waiting


def _unindex(proposal: DestructionProposal) -> None:
    """Remove the destroyed records from the search index (hoso.search's public delete)."""
    from hoso.search.maintenance import delete_record_entries

    delete_record_entries(
        DestroyedRecord.objects.filter(proposal=proposal).values_list("record_id", flat=True)
    )
