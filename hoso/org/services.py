"""Writes to the unit tree and the people in it. Every write is audited in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.core.text import clean_line
from hoso.core.vietnamese import name_sort_key
from hoso.org.changes import enrolments_changed
from hoso.org.models import (
    ALLOWED_PARENTS,
    Enrolment,
    Role,
    RoleAssignment,
    SchoolYear,
    Staff,
    Student,
    Unit,
    UnitKind,
)
from hoso.policy.grants import forget_grants


def _check_parent(kind: str, parent: Unit | None) -> None:
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        raise DomainError(
            _("Không thể đặt %(kind)s dưới %(parent)s.")
            % {
                "kind": UnitKind(kind).label,
                "parent": UnitKind(parent_kind).label if parent_kind else _("gốc cây đơn vị"),
            }
        )


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    level: str = "",
    school_year: SchoolYear | None = None,
    grade: int | None = None,
) -> Unit:
    _check_parent(kind, parent)
    if kind == UnitKind.TRUONG and not level:
        raise DomainError(_("Trường phải có cấp học (MN, TH, THCS, THPT hoặc liên cấp)."))
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=level,
        school_year=school_year,
        grade=grade,
    )
    unit.full_clean(exclude=["path", "school"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.school_id = unit.pk if kind == UnitKind.TRUONG else (parent.school_id if parent else None)
    unit.save(update_fields=["path", "school"])
    audit_log(
        "org.unit.created",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        data={"code": code, "kind": kind, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    unit: Unit,
    code: str,
    full_name: str,
    gender: str,
    birth_date: dt.date | None = None,
    position: str = "",
    email: str = "",
    phone: str = "",
    personal_id: str = "",
    moet_code: str = "",
) -> Staff:
    staff = Staff(
        unit=unit,
        code=code,
        full_name=clean_line(full_name),
        gender=gender,
        birth_date=birth_date,
        position=position,
        email=email,
        phone=phone,
        personal_id=personal_id,
        moet_code=moet_code,
    )
    _check_staff_personal_id(staff)
    staff.sort_key = name_sort_key(staff.full_name)
    staff.full_clean()
    staff.save()
    audit_log(
        "org.staff.created",
        actor=actor,
        obj=staff,
        unit_id=unit.pk,
        data={"code": code, "full_name": staff.full_name},
    )
    return staff


STAFF_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "position",
    "email",
    "phone",
    "unit",
    "personal_id",
    "moet_code",
)


def _check_staff_personal_id(staff: Staff) -> None:
    from hoso.org.particulars import personal_id_problem

    if not staff.personal_id:
        return
    birth = staff.birth_date
    problem = personal_id_problem(
        staff.personal_id, birth_year=birth.year if birth else None, gender=staff.gender
    )
    if problem:
        message = _("Số định danh cá nhân %(problem)s.") % {"problem": problem}
        raise DomainError(message, fields={"personal_id": [message]})


@transaction.atomic
def staff_update(*, actor: Any, staff: Staff, **changes: Any) -> list[str]:
    """Apply `changes` (only STAFF_FIELDS); returns the names of fields that changed."""
    values = {f: changes[f] for f in STAFF_FIELDS if f in changes}
    if "full_name" in values:
        values["full_name"] = clean_line(values["full_name"])
    if values.get("personal_id") or "birth_date" in values or "gender" in values:
        probe = Staff(
            personal_id=values.get("personal_id", staff.personal_id),
            birth_date=values.get("birth_date", staff.birth_date),
            gender=values.get("gender", staff.gender),
        )
        _check_staff_personal_id(probe)
    return _save_changes(
        actor, staff, values, "org.staff.updated", unit_field="unit_id", shown=_logged
    )


def _save_changes(
    actor: Any,
    person: Staff | Student,
    values: dict[str, Any],
    action: str,
    *,
    unit_field: str,
    shown: Callable[[str, Any], str] = lambda _field, value: str(value),
) -> list[str]:
    """Set the values that differ, save, and log before and after (as `shown` writes them);
    returns the names of the fields that changed."""
    changed = [f for f, value in values.items() if getattr(person, f) != value]
    if not changed:
        return []
    before = {f: shown(f, getattr(person, f)) for f in changed}
    for field in changed:
        setattr(person, field, values[field])
    person.sort_key = name_sort_key(person.full_name)
    person.full_clean()
    person.save(update_fields=[*changed, "sort_key"])
    audit_log(
        action,
        actor=actor,
        obj=person,
        unit_id=getattr(person, unit_field),
        data={"before": before, "after": {f: shown(f, getattr(person, f)) for f in changed}},
    )
    return changed


@transaction.atomic
def student_create(
    *,
    actor: Any,
    school: Unit,
    code: str,
    full_name: str,
    gender: str,
    birth_date: dt.date,
    **particulars: Any,
) -> Student:
    """A new student; `particulars` are any of PARTICULAR_FIELDS (checked like an update)."""
    student = Student(
        school=school,
        code=code,
        full_name=clean_line(full_name),
        gender=gender,
        birth_date=birth_date,
    )
    _check_particulars(student, particulars)
    for field, value in particulars.items():
        setattr(student, field, value)
    student.sort_key = name_sort_key(student.full_name)
    student.full_clean()
    student.save()
    audit_log(
        "org.student.created", actor=actor, obj=student, unit_id=school.pk, data={"code": code}
    )
    return student


PARTICULAR_FIELDS = (
    "personal_id",
    "moet_code",
    "ethnicity",
    "nationality",
    "birth_place",
    "hometown",
    "address",
    "father_name",
    "father_job",
    "mother_name",
    "mother_job",
    "guardian_name",
    "guardian_job",
    "priority_group",
    "register_number",
    "admitted_on",
    "previous_school",
    "left_on",
    "leave_reason",
)
STUDENT_FIELDS = ("full_name", "gender", "birth_date", *PARTICULAR_FIELDS)


def _check_particulars(
    student: Student,
    changes: dict[str, Any],
    birth_date: dt.date | None = None,
    gender: str | None = None,
) -> None:
    """Every problem of the particulars at once, as field errors, before anything is written."""
    from hoso.org.particulars import ethnicity_name, personal_id_problem

    unknown = set(changes) - set(PARTICULAR_FIELDS)
    if unknown:
        raise DomainError(
            _("Không có thông tin “%(items)s” của học sinh.")
            % {"items": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    for field, value in changes.items():
        if isinstance(value, str):
            changes[field] = " ".join(value.split())
    if changes.get("ethnicity") and not ethnicity_name(changes["ethnicity"]):
        errors["ethnicity"] = [_("Mã dân tộc không có trong danh mục 54 dân tộc.")]
    if changes.get("personal_id"):
        birth = birth_date or student.birth_date
        problem = personal_id_problem(
            changes["personal_id"],
            birth_year=birth.year if birth else None,
            gender=gender or student.gender,
        )
        if problem:
            errors["personal_id"] = [_("Số định danh cá nhân %(problem)s.") % {"problem": problem}]
    left, admitted = changes.get("left_on"), changes.get("admitted_on") or student.admitted_on
    if left and admitted and left < admitted:
        errors["left_on"] = [_("Ngày rời trường không thể trước ngày vào trường.")]
    number = changes.get("register_number")
    if (
        number
        and Student.objects.filter(school_id=student.school_id, register_number=number)
        .exclude(pk=student.pk)
        .exists()
    ):
        errors["register_number"] = [
            _("Số đăng bộ %(number)s đã cấp cho học sinh khác của trường.") % {"number": number}
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, fields=errors)


def _logged(field: str, value: Any) -> str:
    """The audit log never holds a whole số định danh cá nhân (issue 15 item 2)."""
    from hoso.org.particulars import mask_personal_id

    return mask_personal_id(str(value)) if field == "personal_id" else str(value)


@transaction.atomic
def student_update(*, actor: Any, student: Student, **changes: Any) -> list[str]:
    """The mã định danh never changes; only the fields in STUDENT_FIELDS may."""
    changed = [f for f in STUDENT_FIELDS if f in changes and getattr(student, f) != changes[f]]
    if not changed:
        return []
    particulars = {f: changes[f] for f in changed if f in PARTICULAR_FIELDS}
    _check_particulars(
        student, particulars, birth_date=changes.get("birth_date"), gender=changes.get("gender")
    )
    values = {f: particulars.get(f, changes[f]) for f in changed}
    return _save_changes(
        actor, student, values, "org.student.updated", unit_field="school_id", shown=_logged
    )


@transaction.atomic
def enrolment_set(
    *, actor: Any, student: Student, school_class: Unit, school_year: SchoolYear
) -> Enrolment:
    """Put `student` in `school_class` for the year (moving them if already in another)."""
    if school_class.kind != UnitKind.LOP or school_class.school_id != student.school_id:
        raise DomainError(_("Lớp không thuộc trường của học sinh."))
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        student=student, school_year=school_year, defaults={"school_class": school_class}
    )
    if created or enrolment.school_class_id != school_class.pk:
        enrolment.school_class = school_class
        enrolment.save(update_fields=["school_class"])
        enrolments_changed([student.school_id])
        audit_log(
            "org.enrolment.set",
            actor=actor,
            obj=enrolment,
            unit_id=school_class.pk,
            data={"student": student.code, "class": school_class.code},
        )
    return enrolment


@transaction.atomic
def role_assign(
    *, actor: Any, user: Any, role: str, unit: Unit, school_year: SchoolYear
) -> RoleAssignment:
    _check_role_unit(role, unit)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, unit=unit, school_year=school_year
    )
    if created:
        audit_log(
            "org.role.assigned",
            actor=actor,
            obj=assignment,
            unit_id=unit.pk,
            data={"user": user.get_username(), "role": role, "year": school_year.name},
        )
        forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    data = {
        "user": assignment.user.get_username(),
        "role": assignment.role,
        "unit": assignment.unit.code,
    }
    audit_log(
        "org.role.revoked", actor=actor, obj=assignment, unit_id=assignment.unit_id, data=data
    )
    assignment.delete()
    forget_grants(assignment.user)


_ROLE_UNIT_KINDS: dict[str, set[str]] = {
    Role.GV: {UnitKind.TRUONG, UnitKind.TO, UnitKind.KHOI},
    Role.TTCM: {UnitKind.TO, UnitKind.KHOI},
    Role.PHT: {UnitKind.TRUONG},
    Role.HT: {UnitKind.TRUONG},
    Role.VT: {UnitKind.TRUONG},
    Role.TV: {UnitKind.TRUONG},
    Role.CV_PHONG: {UnitKind.PHONG},
    Role.CV_SO: {UnitKind.SO},
    Role.TP: {UnitKind.PHONG},
    Role.PTP: {UnitKind.PHONG},
    Role.GD: {UnitKind.SO},
    Role.PGD: {UnitKind.SO},
    Role.VT_CQ: {UnitKind.PHONG, UnitKind.SO},
    Role.QTHT: {UnitKind.SO},
}


def _check_role_unit(role: str, unit: Unit) -> None:
    if unit.kind not in _ROLE_UNIT_KINDS[role]:
        raise DomainError(
            _("Vai trò %(role)s không gán được cho %(kind)s.")
            % {"role": Role(role).label, "kind": UnitKind(unit.kind).label}
        )
