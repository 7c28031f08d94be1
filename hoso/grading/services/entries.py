"""Writes to the gradebook: entries (only inside an open window). Windows, corrections and
publication are in `services.windows`; teaching assignments, GVCN, electives and rule
settings in `services.assignments`. Every write checks the
policy, validates through the rules and is audited in its transaction; on any bad cell
nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.grading.catalogue import sheet_columns
from hoso.grading.models import Entry
from hoso.grading.selectors import enrolled_ids, is_open, open_windows
from hoso.grading.sheets import Column, normalise
from hoso.org.models import Unit
from hoso.policy import can

WINDOW_CLOSED = (
    "Chưa mở hoặc đã khóa sổ nhập điểm cho {what}; nếu cần sửa, hãy gửi yêu cầu điều chỉnh "
    "để hiệu trưởng duyệt."
)


@dataclass(frozen=True)
class CellChange:
    student_id: int
    area: str
    slot: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.student_id}|{self.area}|{self.slot}"


def require_view(actor: Any, school_class: Unit) -> None:
    if school_class.kind != "LOP" or not can(actor, "grading.class.view", school_class):
        raise NotFound(NOT_FOUND_MESSAGE)


def require_enter(actor: Any, school_class: Unit, sheet: str) -> None:
    require_view(actor, school_class)
    if not can(actor, "grading.sheet.enter", (school_class, sheet)):
        raise NotAllowed("Bạn chỉ được nhập điểm cho lớp và môn được phân công.")


def class_year_id(school_class: Unit) -> int:
    if school_class.school_year_id is None:
        raise DomainError("Lớp chưa được gắn với năm học.")
    return school_class.school_year_id


@transaction.atomic
def entries_save(
    *, actor: Any, school_class: Unit, sheet: str, changes: list[CellChange], ip: str = ""
) -> list[dict[str, str]]:
    """Save cells of one grid. Returns the saved cells (normalised). All-or-nothing: any bad
    cell raises DomainError with `fields` keyed "student|area|slot" and nothing changes."""
    require_enter(actor, school_class, sheet)
    columns = {c.key: c for c in sheet_columns(school_class, sheet)}
    normalised = _validate(school_class, columns, changes)
    applied = _apply(actor, school_class, normalised)
    if applied:
        audit_log(
            "grading.entries.saved",
            actor=actor,
            obj=school_class,
            unit_id=school_class.school_id,
            ip=ip,
            data={"sheet": sheet, "changes": applied},
        )
    return [{"key": c.key, "value": c.value} for c in normalised]


def _validate(
    school_class: Unit, columns: dict[str, Column], changes: list[CellChange]
) -> list[CellChange]:
    students = enrolled_ids(school_class)
    windows = open_windows(school_class)
    errors: dict[str, list[str]] = {}
    result: list[CellChange] = []
    for change in changes:
        column = columns.get(f"{change.area}|{change.slot}")
        try:
            if column is None:
                raise DomainError("Cột này không thuộc bảng nhập của môn đã chọn.")
            if change.student_id not in students:
                raise DomainError("Học sinh không thuộc lớp này.")
            if not is_open(windows, school_class, column):
                raise Conflict(WINDOW_CLOSED.format(what=column.label))
            value = normalise(column, change.value)
        except DomainError as exc:
            errors[change.key] = [exc.message]
            continue
        result.append(CellChange(change.student_id, change.area, change.slot, value))
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"{len(errors)} ô chưa hợp lệ, chưa lưu ô nào. {first}", fields=errors)
    return result


def _apply(actor: Any, school_class: Unit, changes: list[CellChange]) -> list[dict[str, Any]]:
    year_id = school_class.school_year_id
    existing = {
        (e.student_id, e.area, e.slot): e
        for e in Entry.objects.select_for_update().filter(
            school_year_id=year_id,
            student_id__in={c.student_id for c in changes},
            area__in={c.area for c in changes},
        )
    }
    applied: list[dict[str, Any]] = []
    for change in changes:
        entry = existing.get((change.student_id, change.area, change.slot))
        before = entry.value if entry else ""
        if before == change.value:
            continue
        cell_set(actor, school_class, change, entry)
        applied.append(
            {
                "student": change.student_id,
                "area": change.area,
                "slot": change.slot,
                "before": before,
                "after": change.value,
            }
        )
    return applied


def cell_set(actor: Any, school_class: Unit, change: CellChange, entry: Entry | None) -> None:
    """Write one normalised value (empty = delete). Callers validate and audit."""
    if entry is not None and not change.value:
        entry.delete()
    elif entry is not None:
        entry.value, entry.updated_by = change.value, actor
        entry.save(update_fields=["value", "updated_by", "updated_at"])
    elif change.value:
        Entry.objects.create(
            school_year_id=class_year_id(school_class),
            school_class=school_class,
            student_id=change.student_id,
            area=change.area,
            slot=change.slot,
            value=change.value,
            updated_by=actor,
        )
