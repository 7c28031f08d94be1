"""Who may do what with parents' invitations and consents.

- the school's HT, PHT and văn thư manage the parents of every class of their school, the
  GVCN those of their homeroom class (contacts, invitations, printed codes, paper consents);
- the consent list of a class: the HT, PHT and the class's GVCN (not the offices above, not
  another school: it is a list of families);
- a parent gives or withdraws consent for a child linked to their account (any state)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.grading.guardians import linked_student_ids
from hoso.grading.policies import homeroom_class_ids
from hoso.org.models import Role, Student, Unit, UnitKind
from hoso.policy.grants import Grants
from hoso.policy.registry import register

MANAGERS = frozenset({Role.HT, Role.PHT, Role.VT})
LIST_READERS = frozenset({Role.HT, Role.PHT})


def _is_class(unit: Any) -> bool:
    return isinstance(unit, Unit) and unit.kind == UnitKind.LOP


def _class_manage(grants: Grants, user: Any, unit: Any) -> bool:
    if not _is_class(unit):
        return False
    if grants.is_admin or unit.school_id in grants.schools(MANAGERS):
        return True
    return bool(unit.pk in homeroom_class_ids(user))


def _class_manage_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q(kind=UnitKind.LOP)
    return Q(kind=UnitKind.LOP) & (
        Q(school_id__in=grants.schools(MANAGERS)) | Q(pk__in=homeroom_class_ids(user))
    )


def _consent_list(grants: Grants, user: Any, unit: Any) -> bool:
    if not _is_class(unit):
        return False
    if unit.school_id in grants.schools(LIST_READERS):
        return True
    return bool(unit.pk in homeroom_class_ids(user))


def _consent_list_scope(grants: Grants, user: Any) -> Q:
    return Q(kind=UnitKind.LOP) & (
        Q(school_id__in=grants.schools(LIST_READERS)) | Q(pk__in=homeroom_class_ids(user))
    )


def _child_consent(_grants: Grants, user: Any, student: Any) -> bool:
    return isinstance(student, Student) and student.pk in linked_student_ids(user)


def _child_consent_scope(_grants: Grants, user: Any) -> Q:
    return Q(pk__in=linked_student_ids(user))


def register_all() -> None:
    register("families.class.manage", _class_manage, _class_manage_scope)
    register("families.consent.list", _consent_list, _consent_list_scope)
    register("families.child.consent", _child_consent, _child_consent_scope)
