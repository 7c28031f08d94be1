"""Proposals and destruction stubs as the policy lets a person see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from hoso.policy import visible
from hoso.records.models import Record
from hoso.retention.models import DestroyedRecord, DestructionProposal, ProposalState


def proposals_for(user: Any) -> QuerySet[DestructionProposal]:
    rows = DestructionProposal.objects.select_related("school", "decided_by", "minutes_record")
    return visible(user, "retention.proposal.view", rows.annotate(n_items=Count("items")))


def any_proposal_for(user: Any) -> bool:
    """Whether the person sees any proposal (the menu asks this on every page: no joins)."""
    return visible(user, "retention.proposal.view", DestructionProposal.objects.all()).exists()


def pending_to_decide(user: Any) -> QuerySet[DestructionProposal]:
    from hoso.policy.grants import grants_for
    from hoso.retention.policies import DECIDERS

    schools = grants_for(user).schools(DECIDERS)
    return DestructionProposal.objects.filter(state=ProposalState.PENDING, school_id__in=schools)


def stub_of_record(record: Record) -> DestroyedRecord | None:
    return (
        DestroyedRecord.objects.select_related("proposal", "proposal__minutes_record")
        .filter(record=record)
        .first()
    )
