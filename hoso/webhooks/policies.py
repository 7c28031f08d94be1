"""Who manages a unit's webhooks: at a school its principal (HT) and clerk (VT); at a Phòng or
the Sở its head (TP, GD) and clerk (VT_CQ); the system administrator everywhere. Exactly their
own unit: a Phòng does not manage a school's endpoints. Hidden = missing (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import Grants
from hoso.policy.registry import register

SCHOOL_MANAGERS = frozenset({Role.HT, Role.VT})
OFFICE_MANAGERS = frozenset({Role.TP, Role.GD, Role.VT_CQ})
OWNER_KINDS = (UnitKind.TRUONG, UnitKind.PHONG, UnitKind.SO)


def managed_unit_ids(grants: Grants) -> set[int]:
    return grants.schools(SCHOOL_MANAGERS) | grants.units(OFFICE_MANAGERS)


def _unit_of(obj: Any) -> Unit | None:
    unit = obj if isinstance(obj, Unit) else getattr(obj, "unit", None)
    return unit if isinstance(unit, Unit) and unit.kind in OWNER_KINDS else None


def _manage(grants: Grants, _user: Any, obj: Any) -> bool:
    unit = _unit_of(obj)
    if unit is None:
        return False
    return grants.is_admin or unit.pk in managed_unit_ids(grants)


def _endpoint_scope(grants: Grants, _user: Any) -> Q:
    """Over endpoints."""
    return Q() if grants.is_admin else Q(unit_id__in=managed_unit_ids(grants))


def _unit_scope(grants: Grants, _user: Any) -> Q:
    """Over units: those whose endpoints the person manages."""
    owners = Q(kind__in=OWNER_KINDS)
    return owners if grants.is_admin else owners & Q(pk__in=managed_unit_ids(grants))


def _delivery_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(endpoint__unit_id__in=managed_unit_ids(grants))


def _delivery(grants: Grants, user: Any, delivery: Any) -> bool:
    return _manage(grants, user, delivery.endpoint)


def register_all() -> None:
    register("webhooks.endpoint.manage", _manage, _endpoint_scope)
    register("webhooks.unit.manage", _manage, _unit_scope)
    register("webhooks.delivery.manage", _delivery, _delivery_scope)
