"""Transfer in (chuyển đến): the receiving school uploads the package the sending school
sealed; HoSo verifies it whole (services.package_read), shows what it will create
(`transfer_in_preview`), then creates the student, places them in a class from the given day,
enters the year's results it brought into the class's gradebook as received values
(hoso.grading.services.received), keeps the history the package brought and its học bạ files
byte for byte (`transfer_in`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError, NotFound
from hoso.grading.services.received import entries_receive
from hoso.org.changes import enrolments_changed
from hoso.org.models import Enrolment, Gender, Student, Unit, UnitKind
from hoso.org.services import PARTICULAR_FIELDS, student_create
from hoso.policy import can
from hoso.schoollife.models import Movement, MovementKind, ReceivedFile
from hoso.schoollife.services.common import document, recorded, year_of
from hoso.schoollife.services.package import Package, PackageRefused
from hoso.schoollife.services.package_read import package_read
from hoso.storage import blob_store


@dataclass(frozen=True)
class Preview:
    """What taking the package in will do: a new student, or the same student of this HoSo
    (transferred out by a school of this HoSo with this very package) moving here."""

    package: Package
    existing: Student | None


def _school_of(actor: Any, school: Unit) -> Unit:
    if school.kind != UnitKind.TRUONG or not can(actor, "schoollife.transfer.receive", school):
        raise NotFound(NOT_FOUND_MESSAGE)
    return school


def transfer_in_preview(*, actor: Any, school: Unit, data: bytes) -> Preview:
    """Verify the package for `school` and say what it holds; nothing is written."""
    school = _school_of(actor, school)
    package = package_read(data)
    if package.sending_code == school.code:
        raise PackageRefused(_("Gói hồ sơ này do chính trường của bạn gửi đi."))
    return Preview(package, _existing(package))


def _existing(package: Package) -> Student | None:
    """The package's student already in this HoSo: only when it left by this very package."""
    code = package.student["code"]
    found = Student.objects.filter(code=code).select_related("school").first()
    if found is None:
        for field in ("personal_id", "moet_code"):
            value = package.student.get(field, "")
            if value and Student.objects.filter(**{field: value}).exists():
                raise PackageRefused(
                    _("Số định danh hoặc mã Bộ GD&ĐT của học sinh đã có ở một học sinh khác.")
                )
        return None
    sent = Movement.objects.filter(
        student=found, kind=MovementKind.TRANSFER_OUT, package_sha256=package.sha256
    ).exists()
    if found.is_active or not sent:
        raise PackageRefused(
            _(
                "Mã học sinh %(code)s đã có trong HoSo ở %(school)s; trường đó cần ghi chuyển đi "
                "và gửi đúng gói hồ sơ này."
            )
            % {"code": code, "school": found.school.name}
        )
    return found


@transaction.atomic
def transfer_in(
    *,
    actor: Any,
    school_class: Unit,
    data: bytes,
    on: dt.date,
    document_number: str = "",
    ip: str = "",
) -> Movement:
    """Take the student of the package in, in `school_class`, from `on`."""
    if school_class.kind != UnitKind.LOP or school_class.school is None:
        raise DomainError(_("Hãy chọn lớp của trường."))
    preview = transfer_in_preview(actor=actor, school=school_class.school, data=data)
    package = preview.package
    year = year_of(on)
    if school_class.school_year_id != year.pk:
        raise DomainError(_("Lớp không thuộc năm học của ngày nhận."))
    if on < package.on:
        raise DomainError(
            _("Ngày nhận trước ngày chuyển đi ghi trong gói hồ sơ (%(day)s).")
            % {"day": package.on.strftime("%d/%m/%Y")}
        )
    school = school_class.school
    if preview.existing is not None:
        student = _move_here(preview.existing, school, on, package)
    else:
        student = _create(actor, school, on, package)
    _place(student, school_class, year, on)
    received = entries_receive(
        actor=actor,
        student=student,
        school_class=school_class,
        cells=[(area, slot, value) for y, area, slot, value in package.cells if y == year.name],
        origin=package.sending_school,
        ip=ip,
    )
    movement = recorded(
        actor=actor,
        student=student,
        kind=MovementKind.TRANSFER_IN,
        day=on,
        ip=ip,
        school=school,
        school_year=year,
        to_class=school_class,
        other_school=package.sending_school[:200],
        document_number=document(document_number or package.document_number),
        package_sha256=blob_store().put(BytesIO(data)).sha256,
        received_results=received.as_json(year.name),
    )
    _keep_files(movement, package)
    return movement


def _create(actor: Any, school: Unit, on: dt.date, package: Package) -> Student:
    fields = package.student
    try:
        birth = dt.date.fromisoformat(fields.get("birth_date", ""))
    except ValueError as exc:
        raise PackageRefused(_("Ngày sinh trong gói hồ sơ không hợp lệ.")) from exc
    gender = fields.get("gender", "")
    if gender not in Gender.values:
        raise PackageRefused(_("Giới tính trong gói hồ sơ không hợp lệ."))
    particulars = {
        k: v for k, v in fields.items() if k in PARTICULAR_FIELDS and k not in _SCHOOL_OWN and v
    }
    student = student_create(
        actor=actor,
        school=school,
        code=fields["code"],
        full_name=fields["full_name"],
        gender=gender,
        birth_date=birth,
        admitted_on=on,
        previous_school=package.sending_school[:200],
        **particulars,
    )
    if fields.get("moet_code"):
        student.moet_code = fields["moet_code"]
        student.save(update_fields=["moet_code"])
    _import_history(student, school, package)
    return student


# Particulars each school sets for itself, never taken from the sending school.
_SCHOOL_OWN = frozenset({"register_number", "admitted_on", "left_on", "leave_reason"})


def _move_here(student: Student, school: Unit, on: dt.date, package: Package) -> Student:
    """The same student of this HoSo: the row moves to the receiving school (its movements at
    the sending school stay, under that school)."""
    student.school = school
    student.is_active, student.left_on, student.leave_reason = True, None, ""
    student.admitted_on, student.previous_school = on, package.sending_school[:200]
    student.register_number = ""  # the receiving school numbers its own sổ đăng bộ
    student.save(
        update_fields=[
            "school",
            "is_active",
            "left_on",
            "leave_reason",
            "admitted_on",
            "previous_school",
            "register_number",
        ]
    )
    return student


def _place(student: Student, school_class: Unit, year: Any, on: dt.date) -> None:
    """One enrolment per student and year: a student moving here within this HoSo in the
    same year takes their year's row along (the sending school keeps the movement)."""
    row = Enrolment.objects.select_for_update().filter(student=student, school_year=year).first()
    if row is None:
        Enrolment.objects.create(
            student=student, school_class=school_class, school_year=year, start_date=on
        )
    else:
        row.school_class, row.start_date, row.end_date = school_class, on, None
        row.save(update_fields=["school_class", "start_date", "end_date"])
    enrolments_changed([school_class.school_id or 0])


def _import_history(student: Student, school: Unit, package: Package) -> None:
    """The steps the package lists, kept as imported movements (school and classes by name)."""
    kinds = set(MovementKind.values)
    for step in package.movements:
        try:
            day = dt.date.fromisoformat(step.get("ngay", ""))
        except ValueError:
            continue
        if step.get("loai") not in kinds:
            continue
        classes = " → ".join(c for c in (step.get("tuLop", ""), step.get("denLop", "")) if c)
        Movement.objects.create(
            student=student,
            school=school,
            kind=step["loai"],
            on=day,
            imported=True,
            other_school=step.get("truong", "")[:200],
            document_number=step.get("soVanBan", "")[:60],
            reason=step.get("liDo", "")[:200],
            note=classes[:300],
        )


def _keep_files(movement: Movement, package: Package) -> None:
    store = blob_store()
    for packed in package.files:
        ref = store.put(BytesIO(packed.data))
        ReceivedFile.objects.create(
            movement=movement,
            name=packed.name[:200],
            kind=packed.kind,
            school_year=packed.school_year[:9],
            sha256=ref.sha256,
            size=len(packed.data),
        )
