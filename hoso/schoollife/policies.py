"""Who sees a student's school life and who records its movements: the school's principal
(and vice-principal) and văn thư record; the school's staff and the inspectors above it see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Student, Unit
from hoso.policy.grants import INSPECTOR_ROLES, SCHOOL_ROLES, Grants
from hoso.policy.registry import nothing, register
from hoso.schoollife.models import Movement, ReceivedFile

RECORDERS = frozenset({Role.HT, Role.PHT, Role.VT})


def _paths(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def _history_view(grants: Grants, _user: Any, student: Student) -> bool:
    if grants.is_admin or student.school_id in grants.schools(SCHOOL_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, student.school.path)


def _history_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(school_id__in=grants.schools(SCHOOL_ROLES)) | _paths(
        "school__path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _record(grants: Grants, _user: Any, student: Student) -> bool:
    return grants.is_admin or student.school_id in grants.schools(RECORDERS)


def _record_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(RECORDERS))


def _receive(grants: Grants, _user: Any, school: Unit) -> bool:
    """Take a student in by transfer: the receiving school's recorders."""
    return grants.is_admin or school.pk in grants.schools(RECORDERS)


def _receive_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(pk__in=grants.schools(RECORDERS), kind="TRUONG")


def _package(grants: Grants, _user: Any, movement: Movement) -> bool:
    """The package a transfer made or brought: the recorders of the school that holds it."""
    return grants.is_admin or movement.school_id in grants.schools(RECORDERS)


def _package_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(RECORDERS))


def _movement_list(grants: Grants, _user: Any, movement: Movement) -> bool:
    """The school's list of movements (menu "Chuyển trường, biến động học sinh"): the
    recorders of the school where the movement was recorded."""
    return grants.is_admin or movement.school_id in grants.schools(RECORDERS)


def _movement_list_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(RECORDERS))


def _file(grants: Grants, _user: Any, received: ReceivedFile) -> bool:
    """A học bạ a package brought: the recorders of the school that received it."""
    return grants.is_admin or received.movement.school_id in grants.schools(RECORDERS)


def _file_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(movement__school_id__in=grants.schools(RECORDERS))


def register_all() -> None:
    register("schoollife.history.view", _history_view, _history_scope)
    register("schoollife.movement.record", _record, _record_scope)
    register("schoollife.transfer.receive", _receive, _receive_scope)
    register("schoollife.package.download", _package, _package_scope)
    register("schoollife.file.view", _file, _file_scope)
    register("schoollife.movement.list", _movement_list, _movement_list_scope)
