"""Rules of the CSDL ngành exchange and of the identity numbers (issue 15 items 1-2).

- `org.csdl.import`: a school's principal (HT) and văn thư (VT) preview and import CSDL files
  into their school; nobody else, not even the Phòng (the school owns its data in CSDL ngành).
- `org.csdl.export`: the same people export their school; an office's leaders and chuyên viên
  (INSPECTOR_ROLES) export their office's subtree, or one school of it.
- `org.personal_id.view`: who sees a person's 12-digit số định danh cá nhân whole: the school's
  HT and VT (they keep the records and exchange them with CSDL ngành), for a student also the
  PHT and the GVCN of the student's class this year (they fill the books' particulars), a
  member of staff their own. Everyone
  else sees it masked (`0872******45`), offices included."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from hoso.org.models import Enrolment, Role, Staff, Student, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy.grants import INSPECTOR_ROLES, Grants
from hoso.policy.registry import nothing, register

KEEPERS = frozenset({Role.HT, Role.VT})
# A student's particulars are filled for the official books by these too (books.student.fill):
# the PHT who fills them sees what they fill.
STUDENT_KEEPERS = KEEPERS | {Role.PHT}
EXPORTED = (UnitKind.TRUONG, UnitKind.PHONG, UnitKind.SO)  # an export is of one of these


def _school_id(unit: Unit) -> int | None:
    return unit.pk if unit.kind == UnitKind.TRUONG else None


def _import(grants: Grants, _user: Any, unit: Unit) -> bool:
    school_id = _school_id(unit)
    return school_id is not None and (grants.is_admin or school_id in grants.schools(KEEPERS))


def _import_scope(grants: Grants, _user: Any) -> Q:
    schools = Q(kind=UnitKind.TRUONG)
    return schools if grants.is_admin else schools & Q(pk__in=grants.schools(KEEPERS))


def _export(grants: Grants, user: Any, unit: Unit) -> bool:
    if _import(grants, user, unit):
        return True
    return unit.kind in EXPORTED and grants.covers(INSPECTOR_ROLES, unit.path)


def _export_scope(grants: Grants, user: Any) -> Q:
    offices = nothing()
    for path in grants.subtree_paths(INSPECTOR_ROLES):
        offices |= Q(path__startswith=path, kind__in=EXPORTED)
    return _import_scope(grants, user) | offices


def _homeroom_class_ids(user: Any) -> list[int]:
    """The classes the person is GVCN of this year (grading keeps homerooms; looked up by app
    label so that org does not import grading)."""
    year = current_year()
    if year is None or not apps.is_installed("hoso.grading"):
        return []
    homeroom = apps.get_model("grading", "Homeroom")
    return list(
        homeroom.objects.filter(teacher_id=user.pk, school_year=year).values_list(
            "school_class_id", flat=True
        )
    )


def _personal_id_view(grants: Grants, user: Any, person: Student | Staff) -> bool:
    if grants.is_admin:
        return True
    if isinstance(person, Staff):
        return person.user_id == user.pk or person.unit.school_id in grants.schools(KEEPERS)
    if person.school_id in grants.schools(STUDENT_KEEPERS):
        return True
    return Enrolment.objects.filter(
        student=person,
        school_year=current_year(),
        school_class_id__in=_homeroom_class_ids(user),
    ).exists()


def register_all() -> None:
    register("org.csdl.import", _import, _import_scope)
    register("org.csdl.export", _export, _export_scope)
    register("org.personal_id.view", _personal_id_view)
