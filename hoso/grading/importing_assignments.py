"""Phân công giảng dạy to and from Excel, with the org import's defensive reader and row checks
(hoso.org.importing): export the school's grid, edit it, import it back — all rows or none."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError
from hoso.core.xlsx import safe_cell
from hoso.grading.catalogue import class_subjects
from hoso.grading.selectors import HOMEROOM, assignments_of, school_classes
from hoso.grading.services.assignments import AssignmentChange, assignments_assign, require_manage
from hoso.org.importing.columns import Column
from hoso.org.importing.validate import check_headers, parse_row
from hoso.org.importing.workbook import read_rows
from hoso.org.models import Staff, Unit

COLUMNS = [
    Column("school_class", "Mã lớp", True, "code", 40, "TH1-2025-1A"),
    Column("subject", "Môn học", True, "text", 120, "Toán"),
    Column("teacher", "Mã định danh giáo viên", False, "code", 20, "CB0001"),
    Column("teacher_name", "Họ và tên giáo viên", False, "text", 120, "Nguyễn Thị Hạnh"),
]
HOMEROOM_NAMES = {"gvcn", "giáo viên chủ nhiệm", "chủ nhiệm"}
MAX_ROWS = 5000


def _staff(school: Unit) -> dict[str, Staff]:
    rows = Staff.objects.filter(unit__school_id=school.pk, user__isnull=False, is_active=True)
    return {s.code.upper(): s for s in rows.select_related("user")}


def assignments_workbook(*, actor: Any, school: Unit, ip: str = "") -> bytes:
    """The school's grid (one row per class × subject and GVCN), ready to edit and import."""
    # openpyxl for this file only: a web process does not load it when it starts (its memory)
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    require_manage(actor, school)
    assigned = assignments_of(school)
    by_user = {s.user_id: s for s in _staff(school).values()}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Phân công giảng dạy"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for school_class in school_classes(school):
        subjects = [("GVCN", HOMEROOM)] + [(s.name, s.code) for s in class_subjects(school_class)]
        for title, code in subjects:
            staff = by_user.get(assigned.get(f"{school_class.pk}|{code}", -1))
            sheet.append(
                [
                    school_class.code,
                    title,
                    staff.code if staff else "",
                    safe_cell(staff.full_name) if staff else "",  # display only, never read back
                ]
            )
    for letter, width in zip("ABCD", (18, 30, 24, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    audit_log("grading.assignment.exported", actor=actor, obj=school, unit_id=school.pk, ip=ip)
    return buffer.getvalue()


def assignments_import(*, actor: Any, school: Unit, data: bytes, ip: str = "") -> int:
    """Read the workbook and apply it as one grid; any bad row refuses the whole file."""
    require_manage(actor, school)
    headers, rows = read_rows(data)
    header_errors = check_headers(headers, COLUMNS)
    if header_errors:
        raise DomainError(header_errors[0].message)
    classes = {c.code.upper(): c for c in school_classes(school)}
    staff = _staff(school)
    changes: list[AssignmentChange] = []
    errors: dict[str, list[str]] = {}
    for number, values in rows:
        if number > MAX_ROWS:
            raise DomainError(_("Tệp có quá %(max)s dòng.") % {"max": MAX_ROWS})
        parsed, row_errors = parse_row(number, values, COLUMNS)
        messages = [e.message for e in row_errors]
        if not messages:
            change, message = _resolve(parsed, classes, staff)
            if change is not None:
                changes.append(change)
            if message:
                messages.append(message)
        if messages:
            errors[_("Dòng %(number)s") % {"number": number}] = messages
    if errors:
        where, first = next(iter(errors.items()))
        raise DomainError(
            _("%(errors)s dòng chưa hợp lệ, chưa nhập dòng nào. %(where)s: %(value)s")
            % {"errors": len(errors), "where": where, "value": first[0]},
            fields=errors,
        )
    return assignments_assign(actor=actor, school=school, changes=changes, ip=ip)


def _resolve(
    row: dict[str, Any], classes: dict[str, Unit], staff: dict[str, Staff]
) -> tuple[AssignmentChange | None, str]:
    school_class = classes.get(str(row["school_class"]).upper())
    if school_class is None:
        return None, _("Không có lớp %(value)s của trường trong năm học hiện tại.") % {
            "value": row["school_class"]
        }
    wanted = str(row["subject"]).strip().lower()
    if wanted in HOMEROOM_NAMES:
        code = HOMEROOM
    else:
        found = [s.code for s in class_subjects(school_class) if wanted in (s.code, s.name.lower())]
        if not found:
            return None, _("%(name)s không học môn “%(value)s”.") % {
                "name": school_class.name,
                "value": row["subject"],
            }
        code = found[0]
    teacher_code = str(row.get("teacher") or "").upper()
    if not teacher_code:
        return AssignmentChange(school_class.pk, code, None), ""
    member = staff.get(teacher_code)
    if member is None or member.user_id is None:
        return None, _(
            "Mã giáo viên %(teacher_code)s không phải giáo viên có tài khoản của trường."
        ) % {"teacher_code": teacher_code}
    return AssignmentChange(school_class.pk, code, member.user_id), ""
