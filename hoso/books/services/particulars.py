"""Writes of the books app: filling the particulars a book lacks (through org's student
service, which validates and audits)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import Student
from hoso.org.services import PARTICULAR_FIELDS, student_update
from hoso.policy import can

DATE_FIELDS = ("admitted_on", "left_on")


def parse_particulars(form: dict[str, str]) -> dict[str, Any]:
    """The particulars posted by the form: text trimmed, dates dd/mm/yyyy (refused clearly)."""
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in PARTICULAR_FIELDS:
        if field not in form:
            continue
        value = " ".join(str(form[field]).split())
        if field in DATE_FIELDS:
            if not value:
                changes[field] = None
                continue
            try:
                changes[field] = dt.datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007
            except ValueError:
                errors[field] = [
                    _("“%(value)s” không phải ngày hợp lệ (ghi ngày/tháng/năm).") % {"value": value}
                ]
            continue
        changes[field] = value
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    return changes


@transaction.atomic
def particulars_fill(*, actor: Any, student: Student, changes: dict[str, Any]) -> list[str]:
    """Fill or correct the particulars of `student`; returns the fields changed."""
    if not can(actor, "books.student.fill", student):
        raise NotAllowed(
            _("Chỉ GVCN của lớp hoặc lãnh đạo, văn thư của trường được sửa thông tin.")
        )
    unknown = set(changes) - set(PARTICULAR_FIELDS)
    if unknown:
        raise DomainError(_("Có thông tin không thuộc lý lịch học sinh."))
    return student_update(actor=actor, student=student, **changes)
