"""The CSDL ngành exchange of one school: preview a file (the plan, kept for an hour under a
token), confirm it (all rows in one audited transaction, or none), export in a layout.

The file waits for its confirmation in the cache, not in the blob store: it holds personal
data, and the blob store keeps what it is given for good."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.text import clean_line
from hoso.core.vietnamese import name_sort_key
from hoso.org.csdl.export import export_rows
from hoso.org.csdl.layouts import layout
from hoso.org.csdl.plan import CREATE, UPDATE, Plan, RowPlan, make_plan
from hoso.org.csdl.workbook import Row, read_layout_rows, write_layout
from hoso.org.models import SchoolYear, Student, Unit, UnitKind
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

KEPT_SECONDS = 3600


class CsdlRejected(DomainError):
    """The file cannot be imported; `plan.errors` lists every problem, row by row."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            _(
                "Không nhập được: %(errors)s lỗi. Không có dòng nào được ghi; hãy sửa các lỗi "
                "rồi nhập lại cả tệp."
            )
            % {"errors": len(plan.errors)}
        )
        self.plan = plan


@dataclass(frozen=True)
class Preview:
    plan: Plan
    token: str  # "" when the file has errors: nothing to confirm


def _checked(actor: Any, school: Unit) -> SchoolYear:
    if school.kind != UnitKind.TRUONG or not can(actor, "org.csdl.import", school):
        raise NotAllowed(_("Bạn không có quyền nhập dữ liệu cho trường này."))
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại; hãy tạo năm học trước khi nhập."))
    return year


def _read(data: bytes) -> tuple[str, list[Row]]:
    if len(data) > settings.HOSO_IMPORT_MAX_BYTES:
        raise DomainError(_("Tệp quá lớn để nhập (tối đa 10 MB)."))
    match, rows = read_layout_rows(data)
    if len(rows) > settings.HOSO_IMPORT_MAX_ROWS:
        raise DomainError(
            _("Tệp có quá %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
            % {"limit": settings.HOSO_IMPORT_MAX_ROWS}
        )
    return match.layout.id, rows


def _key(actor: Any, token: str) -> str:
    return f"org.csdl.preview:{actor.pk}:{token}"


def csdl_preview(*, actor: Any, school: Unit, data: bytes) -> Preview:
    """What importing `data` into `school` would create, change and leave alone. Writes nothing
    to the database; a file without errors is kept for KEPT_SECONDS to be confirmed."""
    year = _checked(actor, school)
    layout_id, rows = _read(data)
    plan = make_plan(layout(layout_id), school, year, rows)
    if not plan.ok:
        return Preview(plan, "")
    token = secrets.token_urlsafe(24)
    # The cells as read (not the workbook): confirm checks them again against HoSo as it is
    # then, without reading the file a second time.
    kept = {"school": school.pk, "layout": layout_id, "rows": rows, "digest": plan.digest()}
    cache.set(_key(actor, token), kept, KEPT_SECONDS)
    return Preview(plan, token)


def csdl_confirm(*, actor: Any, school: Unit, token: str, ip: str = "") -> Plan:
    """Import the previewed file: every row in one transaction, audited, or nothing."""
    year = _checked(actor, school)
    kept = cache.get(_key(actor, token)) if token else None
    if not kept or kept["school"] != school.pk:
        raise DomainError(_("Bản xem trước đã hết hạn hoặc không có; hãy tải tệp lên lại."))
    plan = make_plan(layout(kept["layout"]), school, year, kept["rows"])
    if not plan.ok:
        raise CsdlRejected(plan)
    if plan.digest() != kept["digest"]:
        raise DomainError(
            _("Dữ liệu trong HoSo đã thay đổi từ lúc xem trước; hãy xem trước lại rồi xác nhận.")
        )
    _apply(actor, plan, ip)
    cache.delete(_key(actor, token))
    return plan


@transaction.atomic
def _apply(actor: Any, plan: Plan, ip: str) -> None:
    apply = APPLIERS[plan.layout.entity]
    created: list[str] = []
    if plan.layout.entity == "students":
        created = _create_students(plan, [r for r in plan.rows if r.action == CREATE])
    for row in plan.rows:
        if row.action == UPDATE or (row.action == CREATE and not created):
            apply(actor, plan, row)
    # The entry names the layout and the counts only: never a số định danh (issue 15 item 2).
    audit_log(
        "org.csdl.imported",
        actor=actor,
        obj=plan.school,
        unit_id=plan.school.pk,
        ip=ip,
        data={
            "layout": plan.layout.id,
            "rows": len(plan.rows),
            "created": plan.count(CREATE),
            "updated": plan.count(UPDATE),
            "unchanged": plan.count("same"),
            "created_students": created,
        },
    )


def _create_students(plan: Plan, rows: list[RowPlan]) -> list[str]:
    """New students in bulk (an import of a whole school is thousands of rows): the plan has
    checked what org's student_create checks (identifiers and số đăng bộ unique, the số định
    danh against the birth year, sex and province, dân tộc in the list), each row is validated
    field by field here, the database's unique constraints stand behind, and the import's one
    audit entry lists the codes created (never a số định danh)."""
    made = []
    for row in rows:
        v = row.values
        student = Student(
            school=plan.school,
            code=v["code"],
            full_name=clean_line(v["full_name"]),
            gender=v["gender"],
            birth_date=v["birth_date"],
            **_present(row, PARTICULAR_FIELDS),
        )
        student.sort_key = name_sort_key(student.full_name)
        try:
            # The school is the one checked above: no query per row to see that it exists.
            student.full_clean(
                exclude=["school"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise DomainError(
                _("Dòng %(row)s: %(problem)s")
                % {"row": row.row, "problem": "; ".join(error.messages)}
            ) from error
        made.append(student)
    try:
        with transaction.atomic():
            Student.objects.bulk_create(made, batch_size=500)
    except IntegrityError as error:  # a clash the plan could not see (a write meanwhile)
        raise DomainError(
            _("Dữ liệu trong HoSo đã thay đổi từ lúc xem trước; hãy xem trước lại rồi xác nhận.")
        ) from error
    return [student.code for student in made]


def _present(row: RowPlan, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: row.values[n] for n in names if row.values.get(n) not in (None, "")}


def _changed(row: RowPlan) -> dict[str, Any]:
    return {change.field: row.values[change.field] for change in row.changes}


def _apply_student(actor: Any, plan: Plan, row: RowPlan) -> None:
    if row.action == UPDATE:
        student_update(actor=actor, student=row.target, **_changed(row))
        return
    v = row.values
    student_create(
        actor=actor,
        school=plan.school,
        code=v["code"],
        full_name=v["full_name"],
        gender=v["gender"],
        birth_date=v["birth_date"],
        **_present(row, PARTICULAR_FIELDS),
    )


STAFF_OPTIONAL = ("birth_date", "position", "email", "phone", "personal_id", "moet_code")


def _apply_staff(actor: Any, plan: Plan, row: RowPlan) -> None:
    if row.action == UPDATE:
        staff_update(actor=actor, staff=row.target, **_changed(row))
        return
    v = row.values
    staff_create(
        actor=actor,
        unit=plan.school,
        code=v["code"],
        full_name=v["full_name"],
        gender=v["gender"],
        **_present(row, STAFF_OPTIONAL),
    )


def _update_unit(actor: Any, unit: Unit, row: RowPlan) -> None:
    changes = _changed(row)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "school"])
    unit.save(update_fields=list(changes))
    audit_log(
        "org.unit.updated",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        data={"before": {c.field: c.old for c in row.changes}, "after": changes},
    )


def _apply_class(actor: Any, plan: Plan, row: RowPlan) -> None:
    if row.action == UPDATE:
        _update_unit(actor, row.target, row)
        return
    unit_create(
        actor=actor,
        code=row.values["code"],
        name=row.values["name"],
        kind=UnitKind.LOP,
        parent=plan.school,
        school_year=plan.year,
        grade=row.values["grade"],
    )


def _apply_enrolment(actor: Any, plan: Plan, row: RowPlan) -> None:
    enrolment_set(
        actor=actor,
        student=row.target,
        school_class=row.values["class_obj"],
        school_year=plan.year,
    )


def _apply_school(actor: Any, plan: Plan, row: RowPlan) -> None:
    _update_unit(actor, row.target, row)


APPLIERS = {
    "students": _apply_student,
    "staff": _apply_staff,
    "classes": _apply_class,
    "enrolments": _apply_enrolment,
    "schools": _apply_school,
}


def csdl_export(*, actor: Any, unit: Unit, layout_id: str, ip: str = "") -> bytes:
    """The people and classes of `unit` (a school, or every school under an office) in a CSDL
    layout, as .xlsx. The số định danh is written whole only for those who may see it."""
    lay = layout(layout_id)
    if not can(actor, "org.csdl.export", unit):
        raise NotAllowed(_("Bạn không có quyền xuất dữ liệu của đơn vị này."))
    rows = export_rows(actor, unit, lay)
    with transaction.atomic():
        audit_log(
            "org.csdl.exported",
            actor=actor,
            obj=unit,
            unit_id=unit.pk,
            ip=ip,
            data={"layout": lay.id, "rows": len(rows)},
        )
    return write_layout(lay.id, rows)
