"""What every movement checks and does: the actor may record at the student's school, the
date falls in a school year and not before the student came, the year's enrolment is closed
with the student's leaving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError, NotAllowed, NotFound
from hoso.core.text import clean_line
from hoso.org.changes import enrolments_changed
from hoso.org.models import Enrolment, SchoolYear, Student, Unit
from hoso.policy import can
from hoso.schoollife.models import Movement

MAX_DOCUMENT = 60
MAX_REASON = 200


def locked_student(actor: Any, student: Student) -> Student:
    """The student, locked, if `actor` records movements at their school (hidden = missing)."""
    student = (
        Student.objects.select_for_update(of=("self",)).select_related("school").get(pk=student.pk)
    )
    if not can(actor, "schoollife.history.view", student):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "schoollife.movement.record", student):
        raise NotAllowed(
            _(
                "Chỉ hiệu trưởng, phó hiệu trưởng hoặc văn thư của trường học sinh được ghi "
                "quá trình học tập."
            )
        )
    return student


def year_of(day: dt.date) -> SchoolYear:
    year = SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if year is None:
        raise DomainError(
            _("Ngày %(day)s không thuộc năm học nào.") % {"day": day.strftime("%d/%m/%Y")}
        )
    return year


def open_enrolment(student: Student, day: dt.date) -> Enrolment:
    """The student's enrolment of the year of `day`, still open, that `day` does not precede."""
    year = year_of(day)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("school_class", "school_year")
        .filter(student=student, school_year=year)
        .first()
    )
    if enrolment is None or enrolment.school_class.school_id != student.school_id:
        raise DomainError(
            _("Học sinh chưa được xếp lớp ở trường trong năm học %(year)s.") % {"year": year.name}
        )
    if enrolment.end_date is not None:
        raise DomainError(
            _("Học sinh đã rời trường ngày %(day)s.")
            % {"day": enrolment.end_date.strftime("%d/%m/%Y")}
        )
    not_before(student, day, enrolment.start_date)
    return enrolment


def not_before(student: Student, day: dt.date, start: dt.date | None = None) -> None:
    for earliest in (student.admitted_on, start):
        if earliest is not None and day < earliest:
            raise DomainError(
                _("Ngày %(day)s trước ngày học sinh vào trường, vào lớp (%(start)s).")
                % {"day": day.strftime("%d/%m/%Y"), "start": earliest.strftime("%d/%m/%Y")}
            )


def document(value: str) -> str:
    cleaned = clean_line(value or "")
    if len(cleaned) > MAX_DOCUMENT:
        raise DomainError(_("Số văn bản dài quá %(n)s kí tự.") % {"n": MAX_DOCUMENT})
    return cleaned


def reason_text(value: str, *, required: bool) -> str:
    cleaned = clean_line(value or "")
    if required and not cleaned:
        raise DomainError(_("Hãy ghi lí do."))
    if len(cleaned) > MAX_REASON:
        raise DomainError(_("Lí do dài quá %(n)s kí tự.") % {"n": MAX_REASON})
    return cleaned


def close_stay(enrolment: Enrolment, student: Student, day: dt.date, reason: str) -> None:
    """The student leaves the school on `day`: the year's enrolment ends, the student is no
    longer active there, and the official books print the leaving (Student.left_on)."""
    enrolment.end_date = day
    enrolment.save(update_fields=["end_date"])
    student.left_on, student.leave_reason, student.is_active = day, reason[:200], False
    student.save(update_fields=["left_on", "leave_reason", "is_active"])
    enrolments_changed([student.school_id])


def recorded(
    *, actor: Any, student: Student, kind: str, day: dt.date, ip: str = "", **fields: Any
) -> Movement:
    movement = Movement.objects.create(
        student=student,
        school=fields.pop("school", None) or student.school,
        kind=kind,
        on=day,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    audit_log(
        f"schoollife.movement.{kind.lower()}",
        actor=actor,
        obj=movement,
        unit_id=movement.school_id,
        ip=ip,
        data={
            "student": student.code,
            "on": day.isoformat(),
            "document": movement.document_number,
            "from": movement.from_class_id,
            "to": movement.to_class_id,
        },
    )
    return movement


def class_of_school(school_class: Unit, student: Student) -> None:
    if school_class.kind != "LOP" or school_class.school_id != student.school_id:
        raise DomainError(_("Lớp không thuộc trường của học sinh."))
