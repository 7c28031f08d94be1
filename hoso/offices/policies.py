"""Who works in an office, who sees a directive and its per-unit status, who reads and
answers it in the unit below. A directive is seen by the office that sent it and the offices
above; an inbox row by the leaders and clerk of the unit it was sent to."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.offices.models import (
    Directive,
    DirectiveRecipient,
    Inspection,
    ReportAssignment,
    ReportRequest,
)
from hoso.org.models import Role, Unit
from hoso.policy.grants import INSPECTOR_ROLES, OFFICE_ROLES, Grants
from hoso.policy.registry import nothing, register

# Who receives and answers for a school: its leaders and its clerk.
SCHOOL_RECEIVERS = frozenset({Role.HT, Role.PHT, Role.VT})


def path_q(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def _office_act(grants: Grants, _user: Any, unit: Unit | None) -> bool:
    """Work as the office `unit` (any office when None): issue directives, ask for reports."""
    if unit is None:
        return bool(grants.units(OFFICE_ROLES))
    return unit.pk in grants.units(OFFICE_ROLES)


def _seen_by_offices(grants: Grants, office: Unit) -> bool:
    """What an office sends down: seen by that office and the offices above it."""
    if grants.is_admin or office.pk in grants.units(OFFICE_ROLES):
        return True
    return grants.covers(INSPECTOR_ROLES, office.path)


def _directive_view(grants: Grants, _user: Any, directive: Directive) -> bool:
    return _seen_by_offices(grants, directive.office)


def _directive_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return Q(office_id__in=grants.units(OFFICE_ROLES)) | path_q(
        "office__path", grants.subtree_paths(INSPECTOR_ROLES)
    )


def _directive_manage(grants: Grants, _user: Any, directive: Directive) -> bool:
    """Remind the units, see the late list with the office's eyes: its own staff."""
    return directive.office_id in grants.units(OFFICE_ROLES)


def receiving_units(grants: Grants) -> set[int]:
    return grants.schools(SCHOOL_RECEIVERS) | grants.units(OFFICE_ROLES)


def _recipient_view(grants: Grants, _user: Any, recipient: DirectiveRecipient) -> bool:
    """The inbox row of a unit: its leaders and clerk (a Phòng: its staff)."""
    return recipient.unit_id in receiving_units(grants)


def _recipient_scope(grants: Grants, _user: Any) -> Q:
    return Q(unit_id__in=receiving_units(grants))


def _report_view(grants: Grants, user: Any, request: ReportRequest) -> bool:
    return _seen_by_offices(grants, request.office)


def _report_manage(grants: Grants, _user: Any, request: ReportRequest) -> bool:
    return request.office_id in grants.units(OFFICE_ROLES)


def _assignment_view(grants: Grants, user: Any, row: ReportAssignment) -> bool:
    """A unit's report: the unit's leaders and clerk, and whoever sees the request."""
    return row.unit_id in receiving_units(grants) or _report_view(grants, user, row.request)


def _assignment_scope(grants: Grants, user: Any) -> Q:
    offices = Q(request__office_id__in=grants.units(OFFICE_ROLES)) | path_q(
        "request__office__path", grants.subtree_paths(INSPECTOR_ROLES)
    )
    if grants.is_admin:
        return Q()
    return Q(unit_id__in=receiving_units(grants)) | offices


def _assignment_submit(grants: Grants, _user: Any, row: ReportAssignment) -> bool:
    return row.unit_id in receiving_units(grants)


def _assignment_return(grants: Grants, _user: Any, row: ReportAssignment) -> bool:
    return row.request.office_id in grants.units(OFFICE_ROLES)


# --- inspections and gradebook progress --------------------------------------------------------

SCHOOL_LEADERS = frozenset({Role.HT, Role.PHT})


def _inspection_view(grants: Grants, _user: Any, inspection: Inspection) -> bool:
    """The inspecting office (and those above) and the leaders of the school inspected."""
    if _seen_by_offices(grants, inspection.office):
        return True
    return inspection.school_id in grants.schools(SCHOOL_RECEIVERS)


def _inspection_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(office_id__in=grants.units(OFFICE_ROLES))
        | path_q("office__path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(school_id__in=grants.schools(SCHOOL_RECEIVERS))
    )


def _inspection_work(grants: Grants, _user: Any, inspection: Inspection) -> bool:
    return inspection.office_id in grants.units(OFFICE_ROLES)


def _progress_view(grants: Grants, _user: Any, school: Unit) -> bool:
    """A school's gradebook entry progress: its leaders and the offices above it."""
    if grants.is_admin or grants.covers(INSPECTOR_ROLES, school.path):
        return True
    return school.pk in grants.schools(SCHOOL_LEADERS)


def _progress_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return path_q("path", grants.subtree_paths(INSPECTOR_ROLES)) | Q(
        pk__in=grants.schools(SCHOOL_LEADERS)
    )


def register_all() -> None:
    register("offices.office.act", _office_act)
    register("offices.directive.view", _directive_view, _directive_scope)
    register("offices.directive.manage", _directive_manage)
    register("offices.recipient.view", _recipient_view, _recipient_scope)
    register("offices.recipient.answer", _recipient_view, _recipient_scope)
    register("offices.report.view", _report_view, _directive_scope)
    register("offices.report.manage", _report_manage)
    register("offices.assignment.view", _assignment_view, _assignment_scope)
    register("offices.assignment.submit", _assignment_submit)
    register("offices.assignment.return", _assignment_return)
    register("offices.inspection.view", _inspection_view, _inspection_scope)
    register("offices.inspection.work", _inspection_work)
    register("offices.progress.view", _progress_view, _progress_scope)
