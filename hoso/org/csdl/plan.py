"""What a CSDL ngành file would do to one school: every row parsed, matched to what HoSo has
(số định danh cá nhân first, then the Ministry's code, then the school's own code) and turned
into a plan: create, change (field: old → new) or leave alone, with every problem of every row
in Vietnamese. Nothing is written here; hoso.org.csdl.services applies a plan without errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from hoso.org.csdl.layouts import Layout, LayoutColumn
from hoso.org.csdl.workbook import Row
from hoso.org.importing.columns import Column
from hoso.org.importing.validate import CellError, RowError, parse_cell
from hoso.org.models import (
    Enrolment,
    Gender,
    SchoolLevel,
    SchoolYear,
    Staff,
    Student,
    Unit,
    UnitKind,
)
from hoso.org.particulars import (
    ethnicity_name,
    mask_personal_id,
    match_key,
    personal_id_problem,
)

CREATE, UPDATE, SAME = "create", "update", "same"
MODELS: dict[str, type[Model]] = {
    "students": Student,
    "staff": Staff,
    "classes": Unit,
    "schools": Unit,
}
IDENTITY = ("personal_id", "moet_code", "code")  # matching order (issue 15 item 2)
FAILED = "_failed"  # the fields of a row whose cell was refused (already reported)


@dataclass
class Change:
    field: str
    label: str
    old: str  # as shown: dates dd/mm/yyyy, labels, số định danh masked
    new: str


@dataclass
class RowPlan:
    row: int
    action: str
    label: str
    target: Any = None
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    fingerprint: list[Any] = field(default_factory=list)


@dataclass
class Plan:
    layout: Layout
    school: Unit
    year: SchoolYear
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def digest(self) -> str:
        """Fingerprint of the plan: confirm refuses when HoSo changed since the preview."""
        items = [[r.row, r.action, getattr(r.target, "pk", None), r.fingerprint] for r in self.rows]
        text = json.dumps([self.layout.id, self.school.pk, items], default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# --- cells ---------------------------------------------------------------------------------


def _cell(lay: Layout, column: LayoutColumn, raw: Any) -> Any:
    if column.kind == "gender":
        text = "" if raw is None else str(raw).strip()
        if not text:
            return ""
        found = lay.value_list("GIOI_TINH").get(match_key(text))
        if found is None:
            raise CellError(
                _("“%(text)s” không có trong danh mục (%(values)s)")
                % {"text": text, "values": ", ".join(lay.values["GIOI_TINH"])}
            )
        return found
    if column.kind == "level":
        text = "" if raw is None else str(raw).strip()
        levels = {match_key(str(label)): code for code, label in SchoolLevel.choices}
        levels |= {match_key(code): code for code in SchoolLevel.values}
        if text and match_key(text) not in levels:
            raise CellError(_("“%(text)s” không phải cấp học") % {"text": text})
        return levels.get(match_key(text), "") if text else ""
    if column.kind == "personal_id" and isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = f"{int(raw):012d}"  # typed as a number, Excel dropped the leading zero
    kind = "text" if column.kind in ("row_number",) else column.kind
    spec = Column(column.field or "", column.title, False, kind, column.max_length)
    return parse_cell(spec, raw)


def parse_rows(lay: Layout, rows: list[Row]) -> tuple[list[Row], list[RowError]]:
    columns = {c.field: c for c in lay.columns if c.field}
    parsed: list[Row] = []
    errors: list[RowError] = []
    for number, raw in rows:
        values: dict[str, Any] = {}
        for name, value in raw.items():
            column = columns[name]
            try:
                values[name] = _cell(lay, column, value)
            except CellError as error:
                errors.append(RowError(number, column.title, f"{column.title} {error}."))
                values.setdefault(FAILED, set()).add(name)
        parsed.append((number, values))
    return parsed, errors


# --- showing values ------------------------------------------------------------------------


def shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if name == "personal_id":
        return mask_personal_id(str(value))
    if name == "gender":
        return str(Gender(value).label) if value in Gender.values else str(value)
    if name == "ethnicity":
        return ethnicity_name(value) or str(value)
    if name == "level":
        return str(SchoolLevel(value).label) if value in SchoolLevel.values else str(value)
    return str(value)


def _label(model: type[Model], name: str, labels: dict[tuple[str, str], str]) -> str:
    key = (model._meta.label, name)
    if key not in labels:  # once per plan: thousands of rows ask for the same few labels
        if name == "moet_code":  # the field's label abbreviates; the page spells it out
            labels[key] = _("mã định danh của Bộ Giáo dục và Đào tạo")
        else:
            labels[key] = str(getattr(model._meta.get_field(name), "verbose_name", name))
    return labels[key]


def _diff(plan: Plan, row: RowPlan, model: type[Model], names: list[str]) -> None:
    """Fill `row.changes`: the fields whose cell is not blank (a blank cell clears nothing)
    and differs from what HoSo has."""
    for name in names:
        new = row.values.get(name)
        if new in (None, ""):
            continue
        old = getattr(row.target, name) if row.target is not None else None
        if old != new:
            label = _label(model, name, plan.labels)
            row.changes.append(Change(name, label, shown(name, old), shown(name, new)))
            row.fingerprint.append([name, old, new])
    if row.target is not None:
        row.action = UPDATE if row.changes else SAME


def _error(plan: Plan, number: int, column: str, message: str) -> None:
    plan.errors.append(RowError(number, column, message))


def _title(lay: Layout, name: str) -> str:
    return next((c.title for c in lay.columns if c.field == name), name)


def _duplicates(plan: Plan, rows: list[Row], names: tuple[str, ...]) -> None:
    for name in names:
        counts = Counter(values.get(name) for _n, values in rows if values.get(name))
        for number, values in rows:
            if counts[values.get(name)] > 1:
                shown_value = shown(name, values[name])
                _error(
                    plan,
                    number,
                    _title(plan.layout, name),
                    _("%(column)s “%(value)s” bị lặp lại trong tệp.")
                    % {"column": _title(plan.layout, name), "value": shown_value},
                )


# --- people: students and staff -------------------------------------------------------------


def _match_people(
    plan: Plan, rows: list[Row], model: type[Student] | type[Staff]
) -> dict[int, Any]:
    """Row number → the person HoSo has, matched on the số định danh, then the Ministry's
    code, then the code; a row whose identifiers point at different people is an error."""
    found: dict[str, dict[str, Any]] = {}
    for name in IDENTITY:
        wanted = {values[name] for _n, values in rows if values.get(name)}
        found[name] = {getattr(p, name): p for p in model.objects.filter(**{f"{name}__in": wanted})}
    matched: dict[int, Any] = {}
    for number, values in rows:
        hits = [found[n].get(values[n]) for n in IDENTITY if values.get(n)]
        people = {p.pk: p for p in hits if p is not None}
        if len(people) > 1:
            _error(
                plan,
                number,
                "",
                _(
                    "Số định danh cá nhân, mã định danh Bộ và mã trong HoSo của dòng này chỉ "
                    "đến những người khác nhau; hãy kiểm tra lại."
                ),
            )
            continue
        first = next((p for p in hits if p is not None), None)
        if first is not None:
            matched[number] = first
    return matched


def _person_school(person: Any) -> int | None:
    return person.school_id if isinstance(person, Student) else person.unit.school_id


def _plan_people(plan: Plan, rows: list[Row], model: type[Student] | type[Staff]) -> None:
    students = model is Student
    _duplicates(plan, rows, IDENTITY)
    matched = _match_people(plan, rows, model)
    names = [n for n in plan.layout.fields if n != "code"]
    for number, values in rows:
        target = matched.get(number)
        label = values.get("full_name") or (target.full_name if target else "")
        row = RowPlan(number, CREATE, label, target, values)
        if target is not None and _person_school(target) != plan.school.pk:
            _error(
                plan,
                number,
                "",
                _(
                    "%(name)s đã thuộc trường khác trong HoSo (cần làm thủ tục chuyển "
                    "trường trước khi nhập)."
                )
                % {"name": target.full_name},
            )
        if target is not None and values.get("code") and values["code"] != target.code:
            _error(
                plan,
                number,
                _title(plan.layout, "code"),
                _("Mã “%(new)s” khác mã HoSo đang giữ (“%(old)s”); mã định danh không đổi được.")
                % {"new": values["code"], "old": target.code},
            )
        if target is None:
            _check_new_person(plan, number, values, students)
        _check_personal_id(plan, number, values, target)
        _diff(plan, row, model, names if target is not None else ["code", *names])
        plan.rows.append(row)
    _check_new_codes(plan, model)
    if students:
        _check_register_numbers(plan, rows, matched)


def _check_new_codes(plan: Plan, model: type[Student] | type[Staff]) -> None:
    """A new person's code (the Ministry's code when the file has no HoSo code) must be free."""
    new = [row for row in plan.rows if row.action == CREATE and row.values.get("code")]
    counts = Counter(row.values["code"] for row in new)
    taken = set(model.objects.filter(code__in=list(counts)).values_list("code", flat=True))
    for row in new:
        code = row.values["code"]
        if code in taken or counts[code] > 1:
            _error(
                plan,
                row.row,
                _title(plan.layout, "code"),
                _("Mã “%(code)s” của người mới đã được dùng trong HoSo hoặc trong tệp.")
                % {"code": code},
            )


def _check_new_person(plan: Plan, number: int, values: dict[str, Any], students: bool) -> None:
    needed = ["full_name", "gender", "birth_date"] if students else ["full_name", "gender"]
    failed = values.get(FAILED, set())
    missing = [
        _title(plan.layout, n) for n in needed if values.get(n) in (None, "") and n not in failed
    ]
    if not values.get("code") and values.get("moet_code"):
        values["code"] = values["moet_code"]  # a new person's HoSo code: the Ministry's code
    if not values.get("code"):
        missing.append(_("mã học sinh hoặc mã định danh Bộ") if students else _("mã cán bộ"))
    if missing:
        _error(
            plan,
            number,
            "",
            _("Không có trong HoSo nên sẽ được tạo mới, nhưng thiếu: %(missing)s.")
            % {"missing": ", ".join(missing)},
        )


def _check_personal_id(plan: Plan, number: int, values: dict[str, Any], target: Any) -> None:
    pid = values.get("personal_id")
    if not pid:
        return
    birth = values.get("birth_date") or (target.birth_date if target is not None else None)
    gender = values.get("gender") or (target.gender if target is not None else None)
    problem = personal_id_problem(pid, birth_year=birth.year if birth else None, gender=gender)
    if problem:
        _error(
            plan,
            number,
            _title(plan.layout, "personal_id"),
            _("Số định danh cá nhân %(problem)s.") % {"problem": problem},
        )


def _check_register_numbers(plan: Plan, rows: list[Row], matched: dict[int, Any]) -> None:
    wanted = {v["register_number"] for _n, v in rows if v.get("register_number")}
    taken = dict(
        Student.objects.filter(school=plan.school, register_number__in=wanted).values_list(
            "register_number", "pk"
        )
    )
    for number, values in rows:
        reg = values.get("register_number")
        target = matched.get(number)
        if reg and reg in taken and taken[reg] != getattr(target, "pk", None):
            _error(
                plan,
                number,
                _title(plan.layout, "register_number"),
                _("Số đăng bộ “%(reg)s” đã cấp cho học sinh khác của trường.") % {"reg": reg},
            )


# --- classes, enrolments, the school -------------------------------------------------------


def _plan_classes(plan: Plan, rows: list[Row]) -> None:
    _duplicates(plan, rows, ("code",))
    codes = {v["code"] for _n, v in rows if v.get("code")}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for number, values in rows:
        target = units.get(values.get("code", ""))
        if target is not None and (
            target.kind != UnitKind.LOP
            or target.school_id != plan.school.pk
            or target.school_year_id != plan.year.pk
        ):
            _error(
                plan,
                number,
                _title(plan.layout, "code"),
                _("Mã “%(code)s” đã được dùng cho đơn vị khác.") % {"code": values["code"]},
            )
        grade = values.get("grade")
        if grade not in (None, "") and not 0 <= grade <= 12:
            _error(
                plan,
                number,
                _title(plan.layout, "grade"),
                _("Khối %(grade)s không hợp lệ.") % {"grade": grade},
            )
        row = RowPlan(number, CREATE, values.get("name") or values.get("code", ""), target, values)
        _diff(plan, row, Unit, ["name", "grade"] if target else ["code", "name", "grade"])
        plan.rows.append(row)


def _plan_enrolments(plan: Plan, rows: list[Row]) -> None:
    _duplicates(plan, rows, IDENTITY)
    matched = _match_people(plan, rows, Student)
    classes = {
        c.code: c
        for c in Unit.objects.filter(school=plan.school, kind=UnitKind.LOP, school_year=plan.year)
    }
    current = {
        e.student_id: e.school_class
        for e in Enrolment.objects.filter(
            school_year=plan.year, student__school=plan.school
        ).select_related("school_class")
    }
    for number, values in rows:
        student = matched.get(number)
        if student is None or student.school_id != plan.school.pk:
            _error(plan, number, "", _("Không có học sinh này trong trường."))
        school_class = classes.get(values.get("class_code", ""))
        if school_class is None:
            _error(
                plan,
                number,
                _title(plan.layout, "class_code"),
                _("Không có lớp “%(code)s” trong năm học %(year)s.")
                % {"code": values.get("class_code", ""), "year": plan.year},
            )
        before = current.get(student.pk) if student is not None else None
        row = RowPlan(number, CREATE, student.full_name if student else "", student, values)
        row.values["class_obj"] = school_class
        if before is not None and school_class is not None and before.pk == school_class.pk:
            row.action = SAME
        elif school_class is not None:
            row.action = UPDATE if before is not None else CREATE
            row.changes.append(
                Change("class", _("lớp"), before.name if before else "", school_class.name)
            )
            row.fingerprint.append(["class", getattr(before, "pk", None), school_class.pk])
        plan.rows.append(row)


def _plan_schools(plan: Plan, rows: list[Row]) -> None:
    for number, values in rows:
        if values.get("code") != plan.school.code:
            _error(
                plan,
                number,
                _title(plan.layout, "code"),
                _("Mã trường “%(code)s” không phải mã của %(school)s (%(own)s).")
                % {"code": values.get("code", ""), "school": plan.school, "own": plan.school.code},
            )
            continue
        row = RowPlan(number, SAME, plan.school.name, plan.school, values)
        _diff(plan, row, Unit, ["name", "level"])
        plan.rows.append(row)


PLANNERS: dict[str, Callable[[Plan, list[Row]], None]] = {
    "students": lambda plan, rows: _plan_people(plan, rows, Student),
    "staff": lambda plan, rows: _plan_people(plan, rows, Staff),
    "classes": _plan_classes,
    "enrolments": _plan_enrolments,
    "schools": _plan_schools,
}


def make_plan(lay: Layout, school: Unit, year: SchoolYear, raw_rows: list[Row]) -> Plan:
    plan = Plan(lay, school, year)
    rows, plan.errors = parse_rows(lay, raw_rows)
    if not rows:
        plan.errors.append(RowError(lay.header_row + 1, "", _("Tệp không có dòng dữ liệu nào.")))
        return plan
    PLANNERS[lay.entity](plan, rows)
    plan.errors.sort(key=lambda e: e.row)
    return plan
