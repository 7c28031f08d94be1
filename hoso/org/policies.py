"""Policy rules for units, staff, students, role assignments and imports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Staff, Student, Unit
from hoso.policy.grants import INSPECTOR_ROLES, SCHOOL_ROLES, Grants
from hoso.policy.registry import nothing, register

MANAGERS = frozenset({Role.HT, Role.PHT, Role.VT})


def _path_q(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


# --- units -------------------------------------------------------------------------------


def _unit_visible(grants: Grants, _user: Any, unit: Unit) -> bool:
    if grants.is_admin or unit.school_id in grants.schools():
        return True
    if grants.covers(INSPECTOR_ROLES, unit.path):
        return True
    # A person sees the chain of units above their own (names only).
    return any(g.unit_path.startswith(unit.path) for g in grants.items)


def _unit_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    own_ancestors = {int(p) for g in grants.items for p in g.unit_path.strip("/").split("/") if p}
    return (
        Q(school_id__in=grants.schools())
        | _path_q("path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(pk__in=own_ancestors)
    )


# --- staff -------------------------------------------------------------------------------


def _staff_visible(grants: Grants, user: Any, staff: Staff) -> bool:
    if grants.is_admin or staff.user_id == user.pk:
        return True
    if staff.unit.school_id is not None and staff.unit.school_id in grants.schools():
        return True
    return grants.covers(INSPECTOR_ROLES, staff.unit.path)


def _staff_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(user_id=user.pk)
        | Q(unit__school_id__in=grants.schools())
        | _path_q("unit__path", grants.subtree_paths(INSPECTOR_ROLES))
    )


def _staff_manage(grants: Grants, _user: Any, staff: Staff) -> bool:
    if grants.is_admin:
        return True
    return staff.unit.school_id is not None and staff.unit.school_id in grants.schools(MANAGERS)


def _staff_manage_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(unit__school_id__in=grants.schools(MANAGERS))


# --- students ------------------------------------------------------------------------------


def _student_visible(grants: Grants, _user: Any, student: Student) -> bool:
    if grants.is_admin or student.school_id in grants.schools(SCHOOL_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, student.school.path)


def _student_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(school_id__in=grants.schools(SCHOOL_ROLES)) | _path_q(
        "school__path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _student_manage(grants: Grants, _user: Any, student: Student) -> bool:
    return grants.is_admin or student.school_id in grants.schools(MANAGERS)


def _student_manage_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(MANAGERS))


# --- school-level administration (imports, roles) ------------------------------------------


def _school_manage(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Import people, manage classes and assign roles inside `unit`'s school."""
    if grants.is_admin:
        return True
    return unit.school_id is not None and unit.school_id in grants.schools({Role.HT, Role.VT})


def _school_manage_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools({Role.HT, Role.VT}))


def register_all() -> None:
    register("org.unit.view", _unit_visible, _unit_scope)
    register("org.staff.view", _staff_visible, _staff_scope)
    register("org.staff.manage", _staff_manage, _staff_manage_scope)
    register("org.student.view", _student_visible, _student_scope)
    register("org.student.manage", _student_manage, _student_manage_scope)
    register("org.school.manage", _school_manage, _school_manage_scope)
