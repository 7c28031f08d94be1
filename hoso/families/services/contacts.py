"""The school makes the parents' entries from the student's particulars and completes them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotFound
from hoso.families.models import ParentContact, Relation
from hoso.families.selectors import class_students
from hoso.org.models import Student, Unit
from hoso.policy import can

# Which particular names which relation (hoso.org.models.Student).
PARTICULARS = (
    ("father_name", Relation.FATHER),
    ("mother_name", Relation.MOTHER),
    ("guardian_name", Relation.GUARDIAN),
)
PHONE_CHARS = set("0123456789+ .")


def require_manage(actor: Any, school_class: Unit) -> None:
    if not can(actor, "families.class.manage", school_class):
        raise NotFound(_("Không tìm thấy hoặc bạn không có quyền xem mục này."))


@transaction.atomic
def contacts_from_particulars(*, actor: Any, school_class: Unit, ip: str = "") -> int:
    """One entry per parent named in each pupil's particulars (cha, mẹ, người giám hộ) that
    has none yet; an entry already there is left as it is. Returns how many were made."""
    require_manage(actor, school_class)
    made = 0
    for student in class_students(school_class):
        made += _from_student(actor, student)
    audit_log(
        "families.contacts.created",
        actor=actor,
        obj=school_class,
        unit_id=school_class.pk,
        ip=ip,
        data={"created": made},
    )
    return made


def _from_student(actor: Any, student: Student) -> int:
    have = set(ParentContact.objects.filter(student=student).values_list("relation", flat=True))
    made = 0
    for field, relation in PARTICULARS:
        name = getattr(student, field).strip()
        if name and relation not in have:
            ParentContact.objects.create(
                student=student,
                school_id=student.school_id,
                relation=relation,
                full_name=name,
                created_by=actor,
            )
            made += 1
    return made


@transaction.atomic
def contact_update(
    *, actor: Any, contact: ParentContact, phone: str, email: str, ip: str = ""
) -> ParentContact:
    student_class = class_of(contact.student)
    if student_class is None:
        raise NotFound(_("Không tìm thấy hoặc bạn không có quyền xem mục này."))
    require_manage(actor, student_class)
    phone, email = phone.strip(), email.strip().lower()
    if phone and (not set(phone) <= PHONE_CHARS or not 9 <= sum(c.isdigit() for c in phone) <= 12):
        raise DomainError(
            _("Số điện thoại không hợp lệ: chỉ gồm chữ số (9 đến 12 số)."),
            fields={"phone": [_("Số điện thoại không hợp lệ.")]},
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                _("Địa chỉ thư điện tử không hợp lệ."),
                fields={"email": [_("Địa chỉ thư điện tử không hợp lệ.")]},
            ) from None
    contact.phone, contact.email = phone, email
    contact.save(update_fields=["phone", "email"])
    audit_log(
        "families.contact.updated",
        actor=actor,
        obj=contact,
        unit_id=student_class.pk,
        ip=ip,
        data={"has_phone": bool(phone), "has_email": bool(email)},  # no personal data in logs
    )
    return contact


def class_of(student: Student) -> Unit | None:
    """The pupil's class this school year (whose GVCN and school manage the family)."""
    from hoso.org.years import current_year

    enrolment = (
        student.enrolments.filter(school_year=current_year()).select_related("school_class").first()
    )
    return enrolment.school_class if enrolment is not None else None
