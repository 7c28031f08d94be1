"""Who sees and works on criteria sets and school sheets (registered from OfficesConfig.ready).

- `offices.dx.set.view` (a CriteriaSet): the office's staff and the offices above it, always;
  once published, the Phòng below a Sở's set (it follows its schools) and the leaders and
  clerk of each school the set applies to.
- `offices.dx.set.manage`: the office's own staff (edit a draft, publish, close, copy, return
  a school's sheet).
- `offices.dx.sheet.view` (a SchoolSheet): the school's HT, PHT and văn thư, the offices
  above the school (its Phòng, the Sở) and the set's office.
- `offices.dx.sheet.fill`: the school's HT and PHT (enter values, attach evidence).
- `offices.dx.sheet.submit`: the school's HT (the principal answers for the sheet).
Everyone else: missing (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.offices.models import CriteriaSet, SchoolSheet, SetState
from hoso.offices.policies import SCHOOL_RECEIVERS, path_q
from hoso.org.models import Role
from hoso.policy.grants import INSPECTOR_ROLES, OFFICE_ROLES, Grants
from hoso.policy.registry import nothing, register

FILLERS = frozenset({Role.HT, Role.PHT})
SUBMITTERS = frozenset({Role.HT})


def _ancestor_ids(paths: set[str]) -> set[int]:
    """Ids of the units on the paths ("/1/4/9/" → 1, 4, 9): the offices above a person."""
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def _office_or_above(grants: Grants, cset: CriteriaSet) -> bool:
    if grants.is_admin or cset.office_id in grants.units(OFFICE_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, cset.office.path)


def _set_view(grants: Grants, _user: Any, cset: CriteriaSet) -> bool:
    if grants.user_id is None:
        return False
    if _office_or_above(grants, cset):
        return True
    if cset.state == SetState.DRAFT:
        return False
    if cset.office_id in _ancestor_ids(grants.subtree_paths(INSPECTOR_ROLES)):
        return True
    mine = grants.schools(SCHOOL_RECEIVERS)
    return bool(mine) and cset.sheets.filter(school_id__in=mine).exists()


def _set_scope(grants: Grants, _user: Any) -> Q:
    if grants.user_id is None:
        return nothing()
    if grants.is_admin:
        return Q()
    published = ~Q(state=SetState.DRAFT)
    below = Q(office_id__in=_ancestor_ids(grants.subtree_paths(INSPECTOR_ROLES)))
    schools = Q(
        pk__in=SchoolSheet.objects.filter(school_id__in=grants.schools(SCHOOL_RECEIVERS)).values(
            "criteria_set_id"
        )
    )
    return (
        Q(office_id__in=grants.units(OFFICE_ROLES))
        | path_q("office__path", grants.subtree_paths(INSPECTOR_ROLES))
        | (published & (below | schools))
    )


def _set_manage(grants: Grants, _user: Any, cset: CriteriaSet) -> bool:
    return cset.office_id in grants.units(OFFICE_ROLES)


def _sheet_view(grants: Grants, _user: Any, sheet: SchoolSheet) -> bool:
    if grants.user_id is None:
        return False
    if grants.is_admin or sheet.school_id in grants.schools(SCHOOL_RECEIVERS):
        return True
    if sheet.criteria_set.office_id in grants.units(OFFICE_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, sheet.school.path)


def _sheet_scope(grants: Grants, _user: Any) -> Q:
    if grants.user_id is None:
        return nothing()
    if grants.is_admin:
        return Q()
    return (
        Q(school_id__in=grants.schools(SCHOOL_RECEIVERS))
        | Q(criteria_set__office_id__in=grants.units(OFFICE_ROLES))
        | path_q("school__path", grants.subtree_paths(INSPECTOR_ROLES))
    )


def _sheet_fill(grants: Grants, _user: Any, sheet: SchoolSheet) -> bool:
    return sheet.school_id in grants.schools(FILLERS)


def _sheet_submit(grants: Grants, _user: Any, sheet: SchoolSheet) -> bool:
    return sheet.school_id in grants.schools(SUBMITTERS)


def _sheet_return(grants: Grants, _user: Any, sheet: SchoolSheet) -> bool:
    return sheet.criteria_set.office_id in grants.units(OFFICE_ROLES)


def register_transformation() -> None:
    register("offices.dx.set.view", _set_view, _set_scope)
    register("offices.dx.set.manage", _set_manage)
    register("offices.dx.sheet.view", _sheet_view, _sheet_scope)
    register("offices.dx.sheet.fill", _sheet_fill)
    register("offices.dx.sheet.submit", _sheet_submit)
    register("offices.dx.sheet.return", _sheet_return)
