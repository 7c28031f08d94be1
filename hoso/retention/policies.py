"""Who sees destruction proposals, who decides them and who sets retention periods.

View: the school's HT, PHT and VT; chuyên viên of the Phòng or Sở above it (read-only); the
administrator. Decide (approve, with the biên bản signed by them, or refuse): the school's HT
only. Retention periods: the administrator, or a Sở chuyên viên (national types; a type added
by a unit: the Sở above that unit)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role
from hoso.policy.grants import INSPECTOR_ROLES, Grants
from hoso.policy.registry import register
from hoso.records.models import RecordType
from hoso.records.policies import path_q
from hoso.retention.models import DestructionProposal

VIEWERS = frozenset({Role.HT, Role.PHT, Role.VT})
DECIDERS = frozenset({Role.HT})


def _proposal_view(grants: Grants, _user: Any, proposal: DestructionProposal) -> bool:
    if grants.is_admin or proposal.school_id in grants.schools(VIEWERS):
        return True
    return grants.covers(INSPECTOR_ROLES, proposal.school.path)


def _proposal_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(school_id__in=grants.schools(VIEWERS)) | path_q(
        "school__path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _proposal_decide(grants: Grants, _user: Any, proposal: DestructionProposal) -> bool:
    return proposal.school_id in grants.schools(DECIDERS)


def _period_manage(grants: Grants, _user: Any, record_type: RecordType | None = None) -> bool:
    if grants.is_admin:
        return True
    if not grants.subtree_paths({Role.CV_SO}):
        return False
    if record_type is None or record_type.owner_unit_id is None:
        return True
    owner = record_type.owner_unit
    return owner is not None and grants.covers({Role.CV_SO}, owner.path)


def register_all() -> None:
    register("retention.proposal.view", _proposal_view, _proposal_scope)
    register("retention.proposal.decide", _proposal_decide)
    register("retention.period.manage", _period_manage)
