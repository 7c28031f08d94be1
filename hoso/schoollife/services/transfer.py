"""Transfer out (chuyển đi): the student leaves on the given day and the sending school seals
the package that goes with them (services.package)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.text import clean_line
from hoso.org.models import Student, Unit, UnitKind
from hoso.schoollife.models import Movement, MovementKind
from hoso.schoollife.services.common import (
    close_stay,
    document,
    locked_student,
    open_enrolment,
    recorded,
)
from hoso.schoollife.services.package import package_build
from hoso.storage import blob_store


@transaction.atomic
def transfer_out(
    *,
    actor: Any,
    student: Student,
    on: dt.date,
    to_school_name: str,
    signer: Any,
    to_school: Unit | None = None,
    document_number: str = "",
    ip: str = "",
) -> Movement:
    """The student moves to another school on `on`. `signer`: the sending school's seal key
    (a registered seal certificate of the school: checked here), which seals the package.
    `to_school`: the receiving school when it is in this HoSo (its name is then used)."""
    student = locked_student(actor, student)
    destination = _destination(student, to_school_name, to_school)
    _check_seal(actor, student.school, signer)
    enrolment = open_enrolment(student, on)
    close_stay(enrolment, student, on, _("Chuyển đến %(school)s") % {"school": destination})
    movement = recorded(
        actor=actor,
        student=student,
        kind=MovementKind.TRANSFER_OUT,
        day=on,
        ip=ip,
        school_year=enrolment.school_year,
        from_class=enrolment.school_class,
        other_school=destination,
        document_number=document(document_number),
    )
    data = package_build(student, movement, to_school=destination, signer=signer)
    movement.package_sha256 = blob_store().put(BytesIO(data)).sha256
    movement.save(update_fields=["package_sha256"])
    return movement


def _destination(student: Student, name: str, school: Unit | None) -> str:
    if school is not None:
        if school.kind != UnitKind.TRUONG:
            raise DomainError(_("Trường chuyển đến không phải là một trường."))
        if school.pk == student.school_id:
            raise DomainError(_("Không thể chuyển học sinh đến chính trường đang học."))
        return school.name
    cleaned = clean_line(name or "")
    if not cleaned:
        raise DomainError(_("Hãy ghi tên trường chuyển đến."))
    if len(cleaned) > 200:
        raise DomainError(_("Tên trường chuyển đến dài quá 200 kí tự."))
    if cleaned.casefold() == student.school.name.casefold():
        raise DomainError(_("Không thể chuyển học sinh đến chính trường đang học."))
    return cleaned


def _check_seal(actor: Any, school: Unit, signer: Any) -> None:
    from hoso.signing.models import CertKind
    from hoso.signing.services.certificates import certificate_of_signer

    certificate_of_signer(actor=actor, signer_cert=signer.cert, kind=CertKind.SEAL, unit=school)
