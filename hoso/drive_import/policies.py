"""Who brings a school's old folders in, corrects the proposals, edits the naming rules and
exports a school year: the school's principal and its clerk (văn thư). Nobody else sees a
batch, a rule or an export — another school's principal gets 404, the same as missing."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import Grants
from hoso.policy.registry import register

MANAGERS = frozenset({Role.HT, Role.VT})
MANAGE = "drive_import.manage"


def _school_id(obj: Any) -> int | None:
    if isinstance(obj, Unit):
        return obj.pk if obj.kind == UnitKind.TRUONG else None
    return getattr(obj, "school_id", None)


def _manage(grants: Grants, _user: Any, obj: Any) -> bool:
    if obj is None:
        return bool(grants.schools(MANAGERS))
    school_id = _school_id(obj)
    return school_id is not None and school_id in grants.schools(MANAGERS)


def _manage_scope(grants: Grants, _user: Any) -> Q:
    return Q(school_id__in=grants.schools(MANAGERS))


def register_all() -> None:
    register(MANAGE, _manage, _manage_scope)
