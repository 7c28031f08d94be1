"""Movements inside one school: admission, class change, leaving (bỏ học), repeating a grade
(lưu ban), finishing a level. Transfers are in `transfer` (out) and `receive` (in)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.grading.services.entries import entries_follow_student
from hoso.org.changes import enrolments_changed
from hoso.org.models import Enrolment, SchoolLevel, Student, Unit
from hoso.schoollife.models import Movement, MovementKind
from hoso.schoollife.services.common import (
    class_of_school,
    close_stay,
    document,
    locked_student,
    not_before,
    open_enrolment,
    reason_text,
    recorded,
    year_of,
)

# The last grade of each level: finishing it completes the level (hoàn thành chương trình
# tiểu học, tốt nghiệp THCS / THPT).
LAST_GRADE = {SchoolLevel.TH: 5, SchoolLevel.THCS: 9, SchoolLevel.THPT: 12}


@transaction.atomic
def admission_record(
    *,
    actor: Any,
    student: Student,
    school_class: Unit,
    on: dt.date,
    document_number: str = "",
    ip: str = "",
) -> Movement:
    """The student enters the school on `on`, in `school_class` (of the year of that day)."""
    student = locked_student(actor, student)
    class_of_school(school_class, student)
    year = year_of(on)
    if school_class.school_year_id != year.pk:
        raise DomainError(_("Lớp không thuộc năm học của ngày nhập học."))
    if Enrolment.objects.filter(student=student, school_year=year).exists():
        raise DomainError(_("Học sinh đã được xếp lớp trong năm học này."))
    not_before(student, on)
    Enrolment.objects.create(
        student=student, school_class=school_class, school_year=year, start_date=on
    )
    if student.admitted_on is None:
        student.admitted_on = on
        student.save(update_fields=["admitted_on"])
    enrolments_changed([student.school_id])
    return recorded(
        actor=actor,
        student=student,
        kind=MovementKind.ADMISSION,
        day=on,
        ip=ip,
        school_year=year,
        to_class=school_class,
        document_number=document(document_number),
    )


@transaction.atomic
def class_change(
    *,
    actor: Any,
    student: Student,
    to_class: Unit,
    on: dt.date,
    document_number: str = "",
    reason: str = "",
    ip: str = "",
) -> Movement:
    """Move the student to another class of the same year from `on`. The year's enrolment row
    moves with them, and so do their scores of the year (one per student and year)."""
    student = locked_student(actor, student)
    class_of_school(to_class, student)
    enrolment = open_enrolment(student, on)
    if to_class.school_year_id != enrolment.school_year_id:
        raise DomainError(_("Lớp mới không thuộc năm học này."))
    from_class = enrolment.school_class
    if from_class.pk == to_class.pk:
        raise DomainError(_("Học sinh đang học lớp này."))
    enrolment.school_class = to_class
    enrolment.save(update_fields=["school_class"])
    entries_follow_student(student=student, school_year=enrolment.school_year, to_class=to_class)
    enrolments_changed([student.school_id])
    return recorded(
        actor=actor,
        student=student,
        kind=MovementKind.CLASS_CHANGE,
        day=on,
        ip=ip,
        school_year=enrolment.school_year,
        from_class=from_class,
        to_class=to_class,
        document_number=document(document_number),
        reason=reason_text(reason, required=False),
    )


@transaction.atomic
def drop_out_record(
    *,
    actor: Any,
    student: Student,
    on: dt.date,
    reason: str,
    document_number: str = "",
    ip: str = "",
) -> Movement:
    """The student leaves school (bỏ học) on `on`, for `reason` (required)."""
    student = locked_student(actor, student)
    why = reason_text(reason, required=True)
    enrolment = open_enrolment(student, on)
    close_stay(enrolment, student, on, _("Bỏ học: %(reason)s") % {"reason": why})
    return recorded(
        actor=actor,
        student=student,
        kind=MovementKind.DROP_OUT,
        day=on,
        ip=ip,
        school_year=enrolment.school_year,
        from_class=enrolment.school_class,
        reason=why,
        document_number=document(document_number),
    )


@transaction.atomic
def repeat_record(
    *,
    actor: Any,
    student: Student,
    school_class: Unit,
    document_number: str = "",
    next_class: Unit | None = None,
    ip: str = "",
) -> Movement:
    """At the end of `school_class`'s year the student stays in the same grade (lưu ban);
    with `next_class` (same grade, a later year) they are placed there from its first day."""
    student = locked_student(actor, student)
    year = school_class.school_year
    enrolment = Enrolment.objects.filter(
        student=student, school_class=school_class, school_year=year
    ).first()
    if year is None or enrolment is None or enrolment.end_date is not None:
        raise DomainError(_("Học sinh không học lớp này đến cuối năm học."))
    if Movement.objects.filter(
        student=student, kind=MovementKind.REPEAT, school_year=year
    ).exists():
        raise DomainError(_("Đã ghi lưu ban cho học sinh trong năm học này."))
    if next_class is not None:
        _place_repeating(student, school_class, next_class)
    return recorded(
        actor=actor,
        student=student,
        kind=MovementKind.REPEAT,
        day=year.end_date,
        ip=ip,
        school_year=year,
        from_class=school_class,
        to_class=next_class,
        document_number=document(document_number),
    )


def _place_repeating(student: Student, school_class: Unit, next_class: Unit) -> None:
    class_of_school(next_class, student)
    assert school_class.school_year is not None
    later = next_class.school_year
    if later is None or later.start_date <= school_class.school_year.end_date:
        raise DomainError(_("Lớp học lại phải thuộc một năm học sau."))
    if next_class.grade != school_class.grade:
        raise DomainError(_("Học sinh lưu ban học lại cùng khối lớp."))
    if Enrolment.objects.filter(student=student, school_year=later).exists():
        raise DomainError(_("Học sinh đã được xếp lớp trong năm học sau."))
    Enrolment.objects.create(student=student, school_class=next_class, school_year=later)
    enrolments_changed([student.school_id])


@transaction.atomic
def completion_record(
    *,
    actor: Any,
    student: Student,
    on: dt.date,
    document_number: str = "",
    ip: str = "",
) -> Movement:
    """The student finishes the school's level (hoàn thành chương trình tiểu học, tốt nghiệp
    THCS/THPT) on `on`, from a class of the level's last grade, and leaves the school."""
    student = locked_student(actor, student)
    enrolment = open_enrolment(student, on)
    last = LAST_GRADE.get(SchoolLevel(student.school.level)) if student.school.level else None
    if last is None or enrolment.school_class.grade != last:
        raise DomainError(
            _("Chỉ học sinh lớp cuối cấp mới được ghi hoàn thành chương trình cấp học.")
        )
    close_stay(enrolment, student, on, _("Hoàn thành chương trình cấp học"))
    return recorded(
        actor=actor,
        student=student,
        kind=MovementKind.COMPLETION,
        day=on,
        ip=ip,
        school_year=enrolment.school_year,
        from_class=enrolment.school_class,
        document_number=document(document_number),
    )
