"""Who may read the audit log: the administrator, and a school's principal for their school."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from hoso.audit.models import AuditEntry
from hoso.policy.grants import Grants
from hoso.policy.registry import register
from hoso.policy.roles import Role


def _principal_unit_ids(grants: Grants) -> list[int]:
    schools = grants.schools({Role.HT})
    # Looked up by app label: org writes audit entries, so audit does not import org.
    units = apps.get_model("org", "Unit")._default_manager
    return list(units.filter(school_id__in=schools).values_list("pk", flat=True))


def _can_view(grants: Grants, _user: Any, entry: AuditEntry) -> bool:
    return grants.is_admin or entry.unit_id in _principal_unit_ids(grants)


def _scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(unit_id__in=_principal_unit_ids(grants))


def _can_open(grants: Grants, _user: Any, _obj: Any) -> bool:
    return grants.is_admin or bool(grants.schools({Role.HT}))


def register_all() -> None:
    register("audit.entry.view", _can_view, _scope)
    register("audit.log.open", _can_open)
