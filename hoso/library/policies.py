"""Who may do what in the library. Every library object carries its `school`; a school unit
stands for its own library. Hidden objects answer 404 like missing ones (hoso.policy)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import INSPECTOR_ROLES, SCHOOL_ROLES, Grants
from hoso.policy.registry import nothing, register

LIBRARIAN = frozenset({Role.TV})
REPORT_ROLES = frozenset({Role.HT, Role.PHT, Role.TV})
LOAN_READERS = frozenset({Role.HT, Role.PHT, Role.TV})
DIGITAL_SCHOOL_MANAGERS = frozenset({Role.TV, Role.HT})
PROPOSERS = frozenset({Role.GV, Role.TTCM, Role.TV, Role.HT, Role.PHT})
SHARED = ("published", "up")  # proposed up: still shared where it was published


def _path_q(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def _school(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj if obj.kind == UnitKind.TRUONG else None
    return getattr(obj, "school", None)


def _guardian_school_ids(user: Any) -> set[int]:
    """Schools of the parent's children whose consent stands (hoso.grading.guardians)."""
    from hoso.org.models import Student

    children = _guarded_student_ids(user)
    if not children:
        return set()
    rows = Student.objects.filter(pk__in=children, is_active=True)
    return {int(pk) for pk in rows.values_list("school_id", flat=True)}


def _guarded_student_ids(user: Any) -> set[int]:
    """A parent's children with a standing consent: without it no loan or hold is shown."""
    from hoso.grading.guardians import consented_student_ids

    return consented_student_ids(user)


# --- the school's library ----------------------------------------------------------------


def _view(grants: Grants, _user: Any, obj: Any) -> bool:
    school = _school(obj)
    if school is None:
        return False
    if grants.is_admin or school.pk in grants.schools(SCHOOL_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, school.path)


def _view_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(school_id__in=grants.schools(SCHOOL_ROLES)) | _path_q(
        "school__path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _manage(grants: Grants, _user: Any, obj: Any) -> bool:
    school = _school(obj)
    if school is None:
        return False
    return grants.is_admin or school.pk in grants.schools(LIBRARIAN)


def _manage_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(LIBRARIAN))


def _opac(grants: Grants, user: Any, school: Any) -> bool:
    if _view(grants, user, school):
        return True
    return isinstance(school, Unit) and school.pk in _guardian_school_ids(user)


def _opac_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:  # Q() | Q(...) drops the empty Q: the administrator would see nothing
        return Q()
    return _view_scope(grants, user) | Q(school_id__in=_guardian_school_ids(user))


def _report(grants: Grants, _user: Any, unit: Any) -> bool:
    if not isinstance(unit, Unit) or unit.kind not in (
        UnitKind.TRUONG,
        UnitKind.PHONG,
        UnitKind.SO,
    ):
        return False
    if grants.is_admin or grants.covers(INSPECTOR_ROLES, unit.path):
        return True
    return unit.kind == UnitKind.TRUONG and unit.pk in grants.schools(REPORT_ROLES)


def _report_scope(grants: Grants, _user: Any) -> Q:
    """Over units (schools, Phòng, Sở)."""
    if grants.is_admin:
        return Q()
    return Q(pk__in=grants.schools(REPORT_ROLES)) | _path_q(
        "path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _union(grants: Grants, _user: Any, unit: Any) -> bool:
    """The union catalogue of a Phòng or the Sở: its chuyên viên (and the administrator)."""
    if not isinstance(unit, Unit) or unit.kind not in (UnitKind.PHONG, UnitKind.SO):
        return False
    return grants.is_admin or grants.covers(INSPECTOR_ROLES, unit.path)


def _union_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q(kind__in=[UnitKind.PHONG, UnitKind.SO])
    return Q(kind__in=[UnitKind.PHONG, UnitKind.SO]) & _path_q(
        "path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _loan_view(grants: Grants, user: Any, loan: Any) -> bool:
    if grants.is_admin or loan.school_id in grants.schools(LOAN_READERS):
        return True
    if loan.staff_id is not None and loan.staff.user_id == user.pk:
        return True
    return loan.student_id is not None and loan.student_id in _guarded_student_ids(user)


def _loan_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(school_id__in=grants.schools(LOAN_READERS))
        | Q(staff__user_id=user.pk)
        | Q(student_id__in=_guarded_student_ids(user))
    )


def _hold_request(grants: Grants, user: Any, record: Any) -> bool:
    """Hold a title of a school's library from the catalogue: its staff for themselves, a
    parent for a child who studies there (hoso.library.selectors.own_patrons chooses whom)."""
    from hoso.org.models import Staff

    school = _school(record)
    if school is None:
        return False
    if school.pk in _guardian_school_ids(user):
        return True
    staff = Staff.objects.filter(user_id=user.pk, is_active=True).select_related("unit")
    return any((s.unit.school_id or s.unit_id) == school.pk for s in staff)


def _hold_own(grants: Grants, user: Any, hold: Any) -> bool:
    """A hold of one's own (a teacher's), or of one's child (a parent's)."""
    if hold.staff_id is not None and hold.staff.user_id == user.pk:
        return True
    return hold.student_id is not None and hold.student_id in _guarded_student_ids(user)


def _hold_own_scope(grants: Grants, user: Any) -> Q:
    return Q(staff__user_id=user.pk) | Q(student_id__in=_guarded_student_ids(user))


def _weeding_decide(grants: Grants, _user: Any, weeding: Any) -> bool:
    if weeding.state != "proposed":
        return False
    return grants.is_admin or weeding.school_id in grants.schools({Role.HT})


# --- the digital library -------------------------------------------------------------------


def _ancestor_ids(grants: Grants, user: Any) -> set[int]:
    """Units at or above any unit of the person (a resource of such a unit is shared with
    them), also above the schools of their children for a parent."""
    ids = {int(p) for g in grants.items for p in g.unit_path.strip("/").split("/") if p}
    schools = Unit.objects.filter(pk__in=_guardian_school_ids(user)).values_list("path", flat=True)
    for path in schools:
        ids.update(int(p) for p in path.strip("/").split("/") if p)
    return ids


def _digital_manage(grants: Grants, _user: Any, unit: Any) -> bool:
    """Publish into, and curate, the collection of `unit` (school: TV/HT; Phòng/Sở: CV)."""
    if not isinstance(unit, Unit):
        return False
    if grants.is_admin:
        return True
    if unit.kind == UnitKind.TRUONG:
        return unit.pk in grants.schools(DIGITAL_SCHOOL_MANAGERS)
    return unit.kind in (UnitKind.PHONG, UnitKind.SO) and grants.covers(INSPECTOR_ROLES, unit.path)


def _digital_manage_q(grants: Grants, field: str) -> Q:
    return Q(**{f"{field}_id__in": grants.schools(DIGITAL_SCHOOL_MANAGERS)}) | (
        Q(**{f"{field}__kind__in": [UnitKind.PHONG, UnitKind.SO]})
        & _path_q(f"{field}__path", grants.subtree_paths(INSPECTOR_ROLES))
    )


def _digital_view(grants: Grants, user: Any, res: Any) -> bool:
    if grants.is_admin or res.proposed_by_id == user.pk:
        return True
    if res.state in SHARED and res.owner_unit_id in _ancestor_ids(grants, user):
        return True
    if res.group_id is not None and res.group_id in grants.units({Role.TTCM}):
        return True
    if _digital_manage(grants, user, res.owner_unit):
        return True
    return res.up_to is not None and _digital_manage(grants, user, res.up_to)


def _digital_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(proposed_by_id=user.pk)
        | Q(state__in=SHARED, owner_unit_id__in=_ancestor_ids(grants, user))
        | Q(group_id__in=grants.units({Role.TTCM}))
        | _digital_manage_q(grants, "owner_unit")
        | _digital_manage_q(grants, "up_to")
    )


def _digital_vet(grants: Grants, user: Any, res: Any) -> bool:
    """The tổ trưởng vets a teacher's proposal; the receiving unit decides a proposal up."""
    if res.state == "proposed":
        return grants.is_admin or (
            res.group_id is not None and res.group_id in grants.units({Role.TTCM})
        )
    if res.state == "up" and res.up_to is not None:
        return _digital_manage(grants, user, res.up_to)
    return False


def _digital_curate(grants: Grants, user: Any, res: Any) -> bool:
    """Propose a published resource of one's own unit up to the unit above."""
    return res.state == "published" and _digital_manage(grants, user, res.owner_unit)


def _digital_propose(grants: Grants, _user: Any, school: Any) -> bool:
    if not isinstance(school, Unit) or school.kind != UnitKind.TRUONG:
        return False
    return grants.is_admin or school.pk in grants.schools(PROPOSERS)


def register_all() -> None:
    register("library.view", _view, _view_scope)
    register("library.manage", _manage, _manage_scope)
    register("library.opac", _opac, _opac_scope)
    register("library.report", _report, _report_scope)
    register("library.union", _union, _union_scope)
    register("library.loan.view", _loan_view, _loan_scope)
    register("library.hold.own", _hold_own, _hold_own_scope)
    register("library.hold.request", _hold_request)
    register("library.weeding.decide", _weeding_decide)
    register("library.digital.view", _digital_view, _digital_scope)
    register("library.digital.manage", _digital_manage)
    register("library.digital.vet", _digital_vet)
    register("library.digital.propose", _digital_propose)
    register("library.digital.curate", _digital_curate)
