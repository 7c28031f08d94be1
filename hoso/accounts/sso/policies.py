"""Who configures a province's single sign-on: the system administrator (QTHT) of that Sở or
above it. Nobody else sees the settings (they hold the client secret)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit
from hoso.policy.grants import Grants
from hoso.policy.registry import nothing, register

_ADMINS = frozenset({Role.QTHT})


def _manage(grants: Grants, _user: Any, province: Unit | None) -> bool:
    if province is None:
        return bool(grants.units(_ADMINS))
    return grants.covers(_ADMINS, province.path)


def _manage_scope(grants: Grants, _user: Any) -> Q:
    query = nothing()
    for path in grants.subtree_paths(_ADMINS):
        query |= Q(path__startswith=path)
    return query


def register_all() -> None:
    register("accounts.sso.manage", _manage, _manage_scope)
