"""Who may see and write which part of the gradebook.

- a teacher enters only for the class-subjects assigned to them; the GVCN enters phẩm chất,
  năng lực / rèn luyện and sees the whole class;
- HT, PHT (and VT, who opens windows and seals) see the whole school; only the HT decides
  corrections; CV_PHONG / CV_SO read everything below their unit;
- a guardian sees one student's published results and issued học bạ only, and only while the
  parent's consent stands (hoso.grading.guardians, kept by hoso.families)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.core.request_cache import once_per_request
from hoso.grading.guardians import consented_student_ids
from hoso.grading.models import (
    CorrectionRequest,
    HocBaVersion,
    Homeroom,
    TeachingAssignment,
)
from hoso.grading.sheets import PCNL, REN_LUYEN
from hoso.org.models import Role, Student, Unit
from hoso.org.years import current_year
from hoso.policy.grants import INSPECTOR_ROLES, Grants
from hoso.policy.registry import nothing, register

SCHOOL_VIEWERS = frozenset({Role.HT, Role.PHT, Role.VT})
LEADERS = frozenset({Role.HT, Role.PHT})
WINDOW_MANAGERS = frozenset({Role.HT, Role.PHT, Role.VT})


def _path_q(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def homeroom_class_ids(user: Any) -> set[int]:
    def compute() -> frozenset[int]:
        rows = Homeroom.objects.filter(teacher_id=user.pk, school_year=current_year())
        return frozenset(rows.values_list("school_class_id", flat=True))

    return set(once_per_request(("grading.homeroom_class_ids", user.pk), compute))


def taught_class_ids(user: Any) -> set[int]:
    def compute() -> frozenset[int]:
        rows = TeachingAssignment.objects.filter(teacher_id=user.pk, school_year=current_year())
        return frozenset(rows.values_list("school_class_id", flat=True))

    return set(once_per_request(("grading.taught_class_ids", user.pk), compute))


def teaches(user: Any, school_class: Unit, subject_code: str) -> bool:
    return TeachingAssignment.objects.filter(
        teacher_id=user.pk,
        school_class=school_class,
        subject_code=subject_code,
        school_year=current_year(),
    ).exists()


# --- classes ------------------------------------------------------------------------------


def _class_view(grants: Grants, user: Any, unit: Unit) -> bool:
    if grants.is_admin or unit.school_id in grants.schools(SCHOOL_VIEWERS):
        return True
    if grants.covers(INSPECTOR_ROLES, unit.path):
        return True
    return unit.pk in homeroom_class_ids(user) | taught_class_ids(user)


def _class_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(school_id__in=grants.schools(SCHOOL_VIEWERS))
        | _path_q("path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(pk__in=homeroom_class_ids(user) | taught_class_ids(user))
    )


def _sheet_enter(_grants: Grants, user: Any, obj: tuple[Unit, str]) -> bool:
    """obj = (class, sheet). Inspectors and leaders read; only the assigned teacher writes."""
    school_class, sheet = obj
    if sheet in (PCNL, REN_LUYEN):
        return school_class.pk in homeroom_class_ids(user)
    return teaches(user, school_class, sheet)


def _class_lead(grants: Grants, _user: Any, unit: Unit) -> bool:
    return grants.is_admin or unit.school_id in grants.schools(LEADERS)


def _class_lead_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(LEADERS))


def _homeroom_or_lead(grants: Grants, user: Any, unit: Unit) -> bool:
    return _class_lead(grants, user, unit) or unit.pk in homeroom_class_ids(user)


# --- windows ------------------------------------------------------------------------------


def _window_manage(grants: Grants, _user: Any, school: Unit) -> bool:
    return grants.is_admin or school.school_id in grants.schools(WINDOW_MANAGERS)


def _window_manage_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_id__in=grants.schools(WINDOW_MANAGERS))


# --- corrections --------------------------------------------------------------------------


def _correction_view(grants: Grants, user: Any, req: CorrectionRequest) -> bool:
    if req.requested_by_id == user.pk:
        return True
    return _class_view(grants, user, req.school_class) and (
        grants.is_admin
        or req.school_class.school_id in grants.schools(SCHOOL_VIEWERS)
        or grants.covers(INSPECTOR_ROLES, req.school_class.path)
        or req.school_class_id in homeroom_class_ids(user)
    )


def _correction_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(requested_by_id=user.pk)
        | Q(school_class__school_id__in=grants.schools(SCHOOL_VIEWERS))
        | _path_q("school_class__path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(school_class_id__in=homeroom_class_ids(user))
    )


def _correction_decide(grants: Grants, _user: Any, req: CorrectionRequest) -> bool:
    return grants.is_admin or req.school_class.school_id in grants.schools({Role.HT})


def _correction_decide_scope(grants: Grants, _user: Any) -> Q:
    return Q() if grants.is_admin else Q(school_class__school_id__in=grants.schools({Role.HT}))


# --- students and học bạ --------------------------------------------------------------------


def _is_guardian(user: Any, student_id: int) -> bool:
    """A linked parent whose consent stands (withdrawn or never given: nothing is shown)."""
    return student_id in consented_student_ids(user)


def _student_results(grants: Grants, user: Any, student: Student) -> bool:
    """Guardians only; staff read results through the class they may see."""
    return _is_guardian(user, student.pk)


def _hocba_view(grants: Grants, user: Any, version: HocBaVersion) -> bool:
    if _class_view(grants, user, version.school_class):
        return True
    return version.status in ("issued", "superseded") and _is_guardian(user, version.student_id)


def _hocba_scope(grants: Grants, user: Any) -> Q:
    guardian = Q(student_id__in=consented_student_ids(user), status__in=["issued", "superseded"])
    if grants.is_admin:
        return Q()
    return (
        Q(school_class__school_id__in=grants.schools(SCHOOL_VIEWERS))
        | _path_q("school_class__path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(school_class_id__in=homeroom_class_ids(user) | taught_class_ids(user))
        | guardian
    )


# --- phân công, môn tự chọn, cấu hình quy tắc -------------------------------------------------


def _config_manage(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Rule settings are the Sở's: its chuyên viên (CV_SO held at the Sở) or the admin."""
    return grants.is_admin or (unit.kind == "SO" and unit.pk in grants.units({Role.CV_SO}))


def _config_manage_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q(kind="SO")
    return Q(kind="SO", pk__in=grants.units({Role.CV_SO}))


def _hocba_sign(grants: Grants, user: Any, version: HocBaVersion) -> bool:
    """Whoever holds the NEXT step of the chain: the class's GVCN, an HT, a VT (the seal)."""
    from hoso.grading.models import HocBaStatus

    school_id = version.school_class.school_id
    if version.status == HocBaStatus.DRAFT:
        return version.school_class_id in homeroom_class_ids(user)
    if version.status == HocBaStatus.GVCN_SIGNED:
        return school_id in grants.schools({Role.HT})
    if version.status == HocBaStatus.HT_SIGNED:
        return school_id in grants.schools({Role.VT})
    return False


def _hocba_correct(grants: Grants, user: Any, version: HocBaVersion) -> bool:
    return version.status == "issued" and _homeroom_or_lead(grants, user, version.school_class)


def _hocba_batch_view(grants: Grants, user: Any, batch: Any) -> bool:
    return batch.user_id == user.pk or _class_lead(grants, user, batch.school_class)


def register_all() -> None:
    register("grading.hocba.sign", _hocba_sign)
    register("grading.hocba.correct", _hocba_correct)
    register("grading.hocba.batch.view", _hocba_batch_view)
    register("grading.class.view", _class_view, _class_scope)
    register("grading.sheet.enter", _sheet_enter)
    register("grading.results.publish", _class_lead, _class_lead_scope)
    register("grading.hocba.manage", _homeroom_or_lead)
    register("grading.window.manage", _window_manage, _window_manage_scope)
    register("grading.correction.view", _correction_view, _correction_scope)
    register("grading.correction.decide", _correction_decide, _correction_decide_scope)
    register("grading.student.results", _student_results)
    register("grading.hocba.view", _hocba_view, _hocba_scope)
    # HT and PHT assign teachers, GVCN and electives of their own school (a GV cannot).
    register("grading.assignment.manage", _class_lead, _class_lead_scope)
    register("grading.config.manage", _config_manage, _config_manage_scope)
