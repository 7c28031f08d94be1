"""What roles a person holds, where: computed once per user object and cached on it, and kept
between requests until the next write to the database (hoso.core.data_version).

The role assignments and the school years are hoso.org's: org registers where they come from
(`use_source`) in its AppConfig.ready(), so that the policy, which every app imports, imports
no app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hoso.core import data_version
from hoso.policy.roles import Role

SCHOOL_ROLES = frozenset({Role.GV, Role.TTCM, Role.PHT, Role.HT, Role.VT, Role.TV})
LEADER_ROLES = frozenset({Role.PHT, Role.HT})
# Office staff who oversee (read) everything below their Phòng or Sở.
INSPECTOR_ROLES = frozenset({Role.CV_PHONG, Role.CV_SO, Role.TP, Role.PTP, Role.GD, Role.PGD})
# Everyone working in an office (Phòng or Sở), the clerk included.
OFFICE_ROLES = INSPECTOR_ROLES | {Role.VT_CQ}


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    school_id: int | None


@dataclass
class Grants:
    user_id: int | None
    items: list[Grant] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return any(grant.role == Role.QTHT for grant in self.items)

    def roles(self) -> set[str]:
        return {grant.role for grant in self.items}

    def schools(self, roles: Iterable[str] | None = None) -> set[int]:
        """Schools where the person holds one of `roles` (any role when None)."""
        wanted = set(roles) if roles is not None else None
        return {
            grant.school_id
            for grant in self.items
            if grant.school_id is not None and (wanted is None or grant.role in wanted)
        }

    def units(self, roles: Iterable[str]) -> set[int]:
        wanted = set(roles)
        return {grant.unit_id for grant in self.items if grant.role in wanted}

    def subtree_paths(self, roles: Iterable[str]) -> set[str]:
        """Paths of the units where the person holds one of `roles`; rights cover subtrees."""
        wanted = set(roles)
        return {grant.unit_path for grant in self.items if grant.role in wanted}

    def covers(self, roles: Iterable[str], unit_path: str) -> bool:
        return any(unit_path.startswith(path) for path in self.subtree_paths(roles))


@dataclass(frozen=True)
class GrantSource:
    grants: Callable[[Any], list[Grant]]  # user -> their grants in the current school year


_SOURCE: list[GrantSource] = []


def use_source(source: GrantSource) -> None:
    _SOURCE[:] = [source]


def _source() -> GrantSource:
    if not _SOURCE:
        raise LookupError("No source of role assignments registered (hoso.org registers it)")
    return _SOURCE[0]


def grants_for(user: Any) -> Grants:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grants(user_id=None)
    cached: Grants | None = getattr(user, "_hoso_grants", None)
    if cached is not None:
        return cached
    # Every page asks: kept between requests until the next write (hoso.core.data_version).
    grants = data_version.for_user("policy.grants", user, lambda: _load_grants(user))
    user._hoso_grants = grants
    return grants


def _load_grants(user: Any) -> Grants:
    items = _source().grants(user)
    if user.is_superuser and not any(item.role == Role.QTHT for item in items):
        items.append(Grant(Role.QTHT, 0, "/", None))
    return Grants(user_id=user.pk, items=items)


def forget_grants(user: Any) -> None:
    if hasattr(user, "_hoso_grants"):
        del user._hoso_grants
