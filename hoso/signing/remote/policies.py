"""A remote request is seen and acted on by the person who started it, no one else. A Sở's
leaders and specialists configure the providers it contracts with (the system administrator
too); a provider serves the people of the units below the unit that configured it. A school's
remote seal credential (its con dấu số at the provider) is used by those who manage the
school's seal — its văn thư and principal, as `signing.seal.manage` says — and no one else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import Grants
from hoso.policy.registry import register
from hoso.signing.policies import SEAL_MANAGERS

PROVIDER_MANAGERS = frozenset({Role.GD, Role.PGD, Role.CV_SO})


def _own(_grants: Grants, user: Any, obj: Any) -> bool:
    return bool(obj.user_id == user.pk)


def _own_scope(_grants: Grants, user: Any) -> Q:
    return Q(user_id=user.pk)


def _provider_manage(grants: Grants, _user: Any, unit: Unit) -> bool:
    if grants.is_admin:
        return True
    return unit.kind == UnitKind.SO and unit.pk in grants.units(PROVIDER_MANAGERS)


def _provider_manage_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(kind=UnitKind.SO, pk__in=grants.units(PROVIDER_MANAGERS))


def _provider_use(grants: Grants, _user: Any, provider: Any) -> bool:
    """Someone holding any role at or below the provider's unit."""
    path = provider.unit.path
    return provider.is_active and any(g.unit_path.startswith(path) for g in grants.items)


def _provider_use_scope(grants: Grants, _user: Any) -> Q:
    ancestors = {p for grant in grants.items for p in _prefixes(grant.unit_path)}
    return Q(is_active=True, unit__path__in=ancestors)


def _seal_use(grants: Grants, _user: Any, credential: Any) -> bool:
    """The school's seal credential: its văn thư or principal (or the administrator)."""
    if credential.unit_id is None:
        return False
    return grants.is_admin or credential.unit_id in grants.schools(SEAL_MANAGERS)


def _seal_use_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q(unit__isnull=False)
    return Q(unit__isnull=False, unit_id__in=grants.schools(SEAL_MANAGERS))


def _prefixes(path: str) -> list[str]:
    """A unit path and those of its ancestors: /1/5/12/ → /1/, /1/5/, /1/5/12/."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def register_all() -> None:
    register("signing_remote.request.view", _own, _own_scope)
    register("signing_remote.provider.manage", _provider_manage, _provider_manage_scope)
    register("signing_remote.provider.use", _provider_use, _provider_use_scope)
    register("signing_remote.seal.use", _seal_use, _seal_use_scope)
