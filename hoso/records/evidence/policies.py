"""Who tags evidence and who reads a school's evidence (registered from RecordsConfig.ready).

- `records.evidence.tag` (a RecordVersion): the record's owner, and the HT, PHT and văn thư of
  its school, once the record was submitted; only records of a school (an office's own records
  are no school's evidence).
- `records.evidence.view` (a school Unit): the school's HT, PHT and văn thư, the Phòng and Sở
  above it (`INSPECTOR_ROLES`), the administrator. Everyone else: the school's evidence page
  is missing (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import INSPECTOR_ROLES, Grants
from hoso.policy.registry import nothing, register
from hoso.records.models import RecordVersion
from hoso.records.policies import path_q

TAGGERS = frozenset({Role.HT, Role.PHT, Role.VT})
READERS = frozenset({Role.HT, Role.PHT, Role.VT})


def _tag(grants: Grants, user: Any, version: RecordVersion) -> bool:
    record = version.record
    if grants.user_id is None or record.school.kind != UnitKind.TRUONG:
        return False
    if record.first_submitted_at is None:  # a draft is no evidence yet (and only its owner's)
        return False
    return bool(record.owner_id == user.pk) or record.school_id in grants.schools(TAGGERS)


def _view(grants: Grants, _user: Any, school: Unit) -> bool:
    if grants.user_id is None or school.kind != UnitKind.TRUONG:
        return False
    if grants.is_admin or school.pk in grants.schools(READERS):
        return True
    return grants.covers(INSPECTOR_ROLES, school.path)


def _view_scope(grants: Grants, _user: Any) -> Q:
    if grants.user_id is None:
        return nothing()
    schools = Q(kind=UnitKind.TRUONG)
    if grants.is_admin:
        return schools
    where = Q(pk__in=grants.schools(READERS)) | path_q(
        "path", grants.subtree_paths(INSPECTOR_ROLES)
    )
    return schools & where


def register_evidence() -> None:
    register("records.evidence.tag", _tag)
    register("records.evidence.view", _view, _view_scope)
