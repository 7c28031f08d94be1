"""Who may do what with parents' invitations and consents.

- the school's HT, PHT and văn thư manage the parents of every class of their school, the
  GVCN those of their homeroom class (contacts, invitations, printed codes, paper consents);
- the consent list of a class: the HT, PHT and the class's GVCN (not the offices above, not
  another school: it is a list of families);
- a parent gives or withdraws consent for a child linked to their account (any state);
- a directive an office sent "also to parents" is read by the parents who have consented for
  a child enrolled today at a school it was sent to (its title, number, office and signed
  PDF); nobody else through this rule (the offices and schools read it through offices')."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from hoso.core.request_cache import once_per_request
from hoso.grading.guardians import consented_student_ids, linked_student_ids
from hoso.grading.policies import homeroom_class_ids
from hoso.offices.models import Directive, DirectiveRecipient
from hoso.org.models import Enrolment, Role, Student, Unit, UnitKind, present_on
from hoso.org.years import current_year
from hoso.policy.grants import Grants
from hoso.policy.registry import nothing, register

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


def parent_school_ids(user: Any) -> set[int]:
    """The schools where the children whose data `user` may see (linked and consented) are
    enrolled today: not a school a child has left, nor one a child has not come to yet."""
    children = consented_student_ids(user)
    if not children:
        return set()

    def compute() -> frozenset[int]:
        rows = Enrolment.objects.filter(
            present_on(timezone.localdate()),
            student_id__in=children,
            school_year=current_year(),
            student__is_active=True,
        )
        schools = rows.values_list("school_class__school_id", flat=True)
        return frozenset(int(pk) for pk in schools if pk is not None)

    return set(once_per_request(("families.parent_schools", user.pk), compute))


def _sent_to(schools: set[int]) -> Q:
    directives = DirectiveRecipient.objects.filter(unit_id__in=schools).values("directive_id")
    return Q(for_parents=True, pk__in=directives)


def _parent_directive(_grants: Grants, user: Any, directive: Any) -> bool:
    if not isinstance(directive, Directive) or not directive.for_parents:
        return False
    schools = parent_school_ids(user)
    return bool(schools) and directive.recipients.filter(unit_id__in=schools).exists()


def _parent_directive_scope(_grants: Grants, user: Any) -> Q:
    schools = parent_school_ids(user)
    return _sent_to(schools) if schools else nothing()


def register_all() -> None:
    register("families.class.manage", _class_manage, _class_manage_scope)
    register("families.consent.list", _consent_list, _consent_list_scope)
    register("families.child.consent", _child_consent, _child_consent_scope)
    register("families.directive.view", _parent_directive, _parent_directive_scope)
