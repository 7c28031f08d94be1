"""Import one sheet into one school: validate everything, then write everything or nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.importing.columns import SHEETS
from hoso.org.importing.validate import RowError, check_headers, parse_row, present_columns
from hoso.org.importing.workbook import read_rows
from hoso.org.models import SchoolYear, Staff, Student, Unit, UnitKind
from hoso.org.services import (
    PARTICULAR_FIELDS,
    enrolment_set,
    staff_create,
    staff_update,
    student_create,
    student_update,
    unit_create,
)
from hoso.org.years import current_year
from hoso.policy import can


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
        }


class ImportRejected(DomainError):
    """The file was refused; `result.errors` lists every problem, row by row."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(
            _(
                "Không nhập được: %(errors)s lỗi. Không có dòng nào được ghi; hãy "
                "sửa các lỗi rồi nhập lại cả tệp."
            )
            % {"errors": len(result.errors)}
        )
        self.result = result


def import_file(*, actor: Any, kind: str, school: Unit, data: bytes, ip: str = "") -> ImportResult:
    """Validate every row of `data`; if all are valid, import them in one transaction."""
    if kind not in SHEETS:
        raise DomainError(_("Loại dữ liệu nhập không hợp lệ."))
    if school.kind != UnitKind.TRUONG or not can(actor, "org.school.manage", school):
        raise NotAllowed(_("Bạn không có quyền nhập dữ liệu cho trường này."))
    if len(data) > settings.HOSO_IMPORT_MAX_BYTES:
        raise DomainError(_("Tệp quá lớn để nhập (tối đa 10 MB)."))
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại; hãy tạo năm học trước khi nhập."))
    rows, result = _parse(kind, data)
    if result.ok:
        _RESOLVERS[kind](school, year, rows, result)
    if not result.ok:
        raise ImportRejected(result)
    _apply(actor=actor, kind=kind, school=school, year=year, rows=rows, result=result, ip=ip)
    return result


def _parse(kind: str, data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], ImportResult]:
    headers, body = read_rows(data)
    result = ImportResult(kind=kind, errors=check_headers(headers, SHEETS[kind]))
    if result.errors:
        return [], result
    columns = present_columns(headers, SHEETS[kind])
    rows: list[tuple[int, dict[str, Any]]] = []
    limit = settings.HOSO_IMPORT_MAX_ROWS
    for number, values in body:
        if len(rows) >= limit:
            result.errors = [
                RowError(
                    number,
                    "",
                    _("Tệp có quá %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                    % {"limit": f"{limit:,}".replace(",", ".")},
                )
            ]
            return [], result
        parsed, errors = parse_row(number, values, columns)
        result.errors.extend(errors)
        rows.append((number, parsed))
    result.rows = len(rows)
    if not rows and not result.errors:
        result.errors.append(RowError(2, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")))
    _check_duplicates(kind, rows, result)
    return rows, result


def _check_duplicates(
    kind: str, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    key = "student" if kind == "enrolments" else "code"
    header = SHEETS[kind][0].header
    counts = Counter(row[key] for _, row in rows if row.get(key))
    for number, row in rows:
        if counts[row.get(key)] > 1:
            result.errors.append(
                RowError(
                    number,
                    header,
                    _("%(header)s “%(value)s” bị lặp lại trong tệp.")
                    % {"header": header, "value": row[key]},
                )
            )


# --- resolvers: check rows against the database ------------------------------------------


def _resolve_staff(
    school: Unit, year: SchoolYear, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    codes = [row["code"] for _, row in rows]
    elsewhere = set(
        Staff.objects.filter(code__in=codes)
        .exclude(unit__school=school)
        .values_list("code", flat=True)
    )
    groups = {u.code: u for u in Unit.objects.filter(school=school, kind=UnitKind.TO)}
    for number, row in rows:
        if row["code"] in elsewhere:
            result.errors.append(
                RowError(
                    number,
                    "Mã định danh",
                    _("Mã định danh “%(value)s” đã thuộc đơn vị khác.") % {"value": row["code"]},
                )
            )
        if row["group"] and row["group"] not in groups:
            result.errors.append(
                RowError(
                    number,
                    "Mã tổ chuyên môn",
                    _("Không có tổ “%(value)s” trong trường.") % {"value": row["group"]},
                )
            )
        row["group_unit"] = groups.get(row["group"])


def _resolve_students(
    school: Unit, year: SchoolYear, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    codes = [row["code"] for _, row in rows]
    elsewhere = set(
        Student.objects.filter(code__in=codes).exclude(school=school).values_list("code", flat=True)
    )
    for number, row in rows:
        if row["code"] in elsewhere:
            result.errors.append(
                RowError(
                    number,
                    "Mã định danh học sinh",
                    _(
                        "Mã định danh học sinh “%(value)s” đã thuộc trường khác (cần làm "
                        "thủ tục chuyển trường)."
                    )
                    % {"value": row["code"]},
                )
            )
    _check_student_particulars(school, rows, result)


def _check_student_particulars(
    school: Unit, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    """What the services would refuse, listed row by row before anything is written."""
    from hoso.org.particulars import personal_id_problem

    numbers = Counter(row["register_number"] for _, row in rows if row.get("register_number"))
    taken = dict(
        Student.objects.filter(school=school, register_number__in=list(numbers)).values_list(
            "register_number", "code"
        )
    )
    for number, row in rows:
        pid, birth = row.get("personal_id"), row.get("birth_date")
        if pid and birth:
            problem = personal_id_problem(pid, birth_year=birth.year, gender=row["gender"])
            if problem:
                result.errors.append(
                    RowError(
                        number,
                        "Số định danh cá nhân",
                        _("Số định danh cá nhân %(problem)s.") % {"problem": problem},
                    )
                )
        reg = row.get("register_number")
        if reg and (numbers[reg] > 1 or taken.get(reg, row["code"]) != row["code"]):
            result.errors.append(
                RowError(
                    number,
                    "Số đăng bộ",
                    _("Số đăng bộ “%(reg)s” bị trùng với học sinh khác.") % {"reg": reg},
                )
            )


def _resolve_classes(
    school: Unit, year: SchoolYear, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    codes = [row["code"] for _, row in rows]
    clash = set(
        Unit.objects.filter(code__in=codes)
        .exclude(school=school, kind=UnitKind.LOP)
        .values_list("code", flat=True)
    )
    for number, row in rows:
        if row["code"] in clash:
            result.errors.append(
                RowError(
                    number,
                    "Mã lớp",
                    _("Mã “%(value)s” đã được dùng cho đơn vị khác.") % {"value": row["code"]},
                )
            )
        if not 1 <= row["grade"] <= 12 and not (school.level == "MN" and 0 <= row["grade"] <= 5):
            result.errors.append(
                RowError(
                    number, "Khối", _("Khối %(value)s không hợp lệ.") % {"value": row["grade"]}
                )
            )


def _resolve_enrolments(
    school: Unit, year: SchoolYear, rows: list[tuple[int, dict[str, Any]]], result: ImportResult
) -> None:
    students = {
        s.code: s
        for s in Student.objects.filter(school=school, code__in=[r["student"] for _, r in rows])
    }
    classes = {
        c.code: c for c in Unit.objects.filter(school=school, kind=UnitKind.LOP, school_year=year)
    }
    for number, row in rows:
        row["student_obj"] = students.get(row["student"])
        row["class_obj"] = classes.get(row["school_class"])
        if row["student_obj"] is None:
            result.errors.append(
                RowError(
                    number,
                    "Mã định danh học sinh",
                    _("Không có học sinh “%(value)s” trong trường.") % {"value": row["student"]},
                )
            )
        if row["class_obj"] is None:
            result.errors.append(
                RowError(
                    number,
                    "Mã lớp",
                    _("Không có lớp “%(value)s” trong năm học %(year)s.")
                    % {"value": row["school_class"], "year": year},
                )
            )


_RESOLVERS: dict[
    str, Callable[[Unit, SchoolYear, list[tuple[int, dict[str, Any]]], ImportResult], None]
] = {
    "staff": _resolve_staff,
    "students": _resolve_students,
    "classes": _resolve_classes,
    "enrolments": _resolve_enrolments,
}


# --- apply: one transaction ---------------------------------------------------------------


@transaction.atomic
def _apply(
    *,
    actor: Any,
    kind: str,
    school: Unit,
    year: SchoolYear,
    rows: list[tuple[int, dict[str, Any]]],
    result: ImportResult,
    ip: str,
) -> None:
    for _number, row in rows:
        outcome = _APPLIERS[kind](actor, school, year, row)
        setattr(result, outcome, getattr(result, outcome) + 1)
    audit_log(
        "org.import.completed",
        actor=actor,
        obj=school,
        unit_id=school.pk,
        ip=ip,
        data={
            "kind": kind,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )


STAFF_OPTIONAL = ("birth_date", "position", "email", "phone")


def _apply_staff(actor: Any, school: Unit, year: SchoolYear, row: dict[str, Any]) -> str:
    fields = {k: row[k] for k in ("full_name", "gender")}
    existing = Staff.objects.filter(code=row["code"]).first()
    if existing is None:
        optional = {k: row[k] for k in STAFF_OPTIONAL if row[k] not in (None, "")}
        unit = row["group_unit"] or school
        staff_create(actor=actor, unit=unit, code=row["code"], **fields, **optional)
        return "created"
    # As for students: a blank cell changes nothing (a sheet that only adds e-mails must not
    # clear birth dates, nor move teachers out of their group because the group is blank).
    fields.update({k: row[k] for k in STAFF_OPTIONAL if row[k] not in (None, "")})
    if row["group_unit"] is not None:
        fields["unit"] = row["group_unit"]
    return "updated" if staff_update(actor=actor, staff=existing, **fields) else "unchanged"


def _apply_student(actor: Any, school: Unit, year: SchoolYear, row: dict[str, Any]) -> str:
    fields = {k: row[k] for k in ("full_name", "gender", "birth_date")}
    # Only the particulars the file has columns for; a blank cell clears nothing.
    particulars = {k: row[k] for k in PARTICULAR_FIELDS if row.get(k) not in (None, "")}
    existing = Student.objects.filter(code=row["code"]).first()
    if existing is None:
        student_create(actor=actor, school=school, code=row["code"], **fields, **particulars)
        return "created"
    fields.update(particulars)
    return "updated" if student_update(actor=actor, student=existing, **fields) else "unchanged"


def _apply_class(actor: Any, school: Unit, year: SchoolYear, row: dict[str, Any]) -> str:
    existing = Unit.objects.filter(code=row["code"]).first()
    if existing is None:
        unit_create(
            actor=actor,
            code=row["code"],
            name=row["name"],
            kind=UnitKind.LOP,
            parent=school,
            school_year=year,
            grade=row["grade"],
        )
        return "created"
    if (existing.name, existing.grade) == (row["name"], row["grade"]):
        return "unchanged"
    existing.name, existing.grade = row["name"], row["grade"]
    existing.save(update_fields=["name", "grade"])
    audit_log(
        "org.unit.updated",
        actor=actor,
        obj=existing,
        unit_id=existing.pk,
        data={"name": row["name"], "grade": row["grade"]},
    )
    return "updated"


def _apply_enrolment(actor: Any, school: Unit, year: SchoolYear, row: dict[str, Any]) -> str:
    student, school_class = row["student_obj"], row["class_obj"]
    current = student.enrolments.filter(school_year=year).first()
    if current is not None and current.school_class_id == school_class.pk:
        return "unchanged"
    enrolment_set(actor=actor, student=student, school_class=school_class, school_year=year)
    return "created" if current is None else "updated"


_APPLIERS: dict[str, Callable[[Any, Unit, SchoolYear, dict[str, Any]], str]] = {
    "staff": _apply_staff,
    "students": _apply_student,
    "classes": _apply_class,
    "enrolments": _apply_enrolment,
}
