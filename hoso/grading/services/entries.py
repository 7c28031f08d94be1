"""Writes to the gradebook: entries (only inside an open window). Windows, corrections and
publication are in `services.windows`; teaching assignments, GVCN, electives and rule
settings in `services.assignments`. Every write checks the
policy, validates through the rules and is audited in its transaction. `entries_save` (the
API) saves nothing when any cell is bad; `entries_save_valid` (the entry grid) saves the good
cells and answers every bad one with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.grading.catalogue import sheet_columns
from hoso.grading.models import Entry, EntryWindow
from hoso.grading.selectors import enrolled_ids, is_open, open_windows, received_cells
from hoso.grading.sheets import Column, normalise
from hoso.org.models import Unit
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch

WINDOW_CLOSED = gettext_noop(
    "Chưa mở hoặc đã khóa sổ nhập điểm cho {what}; nếu cần sửa, hãy gửi yêu cầu điều chỉnh "
    "để hiệu trưởng duyệt."
)


RECEIVED_READ_ONLY = gettext_noop(
    "Ô này là kết quả chuyển đến từ %(school)s: chỉ xem, không sửa ở trường nhận."
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


@dataclass(frozen=True)
class SaveOutcome:
    """What became of each cell of a batch: saved (normalised value) or refused (reason)."""

    saved: list[CellChange] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # "student|area|slot" → reason


def require_view(actor: Any, school_class: Unit) -> None:
    if school_class.kind != "LOP" or not can(actor, "grading.class.view", school_class):
        raise NotFound(NOT_FOUND_MESSAGE)


def require_enter(actor: Any, school_class: Unit, sheet: str) -> None:
    require_view(actor, school_class)
    if not can(actor, "grading.sheet.enter", (school_class, sheet)):
        raise NotAllowed(_("Bạn chỉ được nhập điểm cho lớp và môn được phân công."))


def class_year_id(school_class: Unit) -> int:
    if school_class.school_year_id is None:
        raise DomainError(_("Lớp chưa được gắn với năm học."))
    return school_class.school_year_id


@transaction.atomic
def entries_save(
    *, actor: Any, school_class: Unit, sheet: str, changes: list[CellChange], ip: str = ""
) -> list[dict[str, str]]:
    """Save cells of one grid. Returns the saved cells (normalised). All-or-nothing: any bad
    cell raises DomainError with `fields` keyed "student|area|slot" and nothing changes."""
    require_enter(actor, school_class, sheet)
    outcome = _validate(school_class, sheet, changes)
    if outcome.refused:
        first = next(iter(outcome.refused.values()))
        errors = {key: [reason] for key, reason in outcome.refused.items()}
        message = _("{count} ô chưa hợp lệ, chưa lưu ô nào. {first}")
        raise DomainError(message.format(count=len(errors), first=first), fields=errors)
    _apply_audited(actor, school_class, sheet, outcome.saved, ip)
    return [{"key": c.key, "value": c.value} for c in outcome.saved]


@transaction.atomic
def entries_save_valid(
    *, actor: Any, school_class: Unit, sheet: str, changes: list[CellChange], ip: str = ""
) -> SaveOutcome:
    """Save the cells the rules accept and refuse the others, each with its Vietnamese reason
    (the entry grid: one wrong cell must not hold back the rest of the class). A refused
    value is never stored; the accepted ones are written in this one transaction. Permission
    is still checked for the whole batch (NotFound / NotAllowed)."""
    require_enter(actor, school_class, sheet)
    outcome = _validate(school_class, sheet, changes)
    _apply_audited(actor, school_class, sheet, outcome.saved, ip)
    return outcome


def _apply_audited(
    actor: Any, school_class: Unit, sheet: str, changes: list[CellChange], ip: str
) -> None:
    applied = _apply(actor, school_class, changes)
    if applied:
        audit_log(
            "grading.entries.saved",
            actor=actor,
            obj=school_class,
            unit_id=school_class.school_id,
            ip=ip,
            data={"sheet": sheet, "changes": applied},
        )


def _validate(school_class: Unit, sheet: str, changes: list[CellChange]) -> SaveOutcome:
    columns = {c.key: c for c in sheet_columns(school_class, sheet)}
    students = enrolled_ids(school_class)
    windows = open_windows(school_class)
    received = received_cells(school_class)
    outcome = SaveOutcome()
    for change in changes:
        try:
            origin = received.get((change.student_id, change.area, change.slot))
            if origin is not None:  # kết quả chuyển đến: the sending school answers for it
                raise DomainError(_(RECEIVED_READ_ONLY) % {"school": origin})
            value = _checked_value(school_class, columns, students, windows, change)
        except DomainError as exc:
            outcome.refused[change.key] = exc.message
            continue
        outcome.saved.append(CellChange(change.student_id, change.area, change.slot, value))
    return outcome


def _checked_value(
    school_class: Unit,
    columns: dict[str, Column],
    students: set[int],
    windows: list[EntryWindow],
    change: CellChange,
) -> str:
    column = columns.get(f"{change.area}|{change.slot}")
    if column is None:
        raise DomainError(_("Cột này không thuộc bảng nhập của môn đã chọn."))
    if change.student_id not in students:
        raise DomainError(_("Học sinh không thuộc lớp này."))
    if not is_open(windows, school_class, column):
        raise Conflict(_(WINDOW_CLOSED).format(what=column.label))
    return normalise(column, change.value)


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
        if not applied:  # the dashboard's gradebook figures of the school are stale
            school_figures_touch([school_class.school_id or 0])
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


def entries_follow_student(*, student: Any, school_year: Any, to_class: Unit) -> int:
    """A student changed class in mid-year (hoso.schoollife.services.movements.class_change,
    which checked the policy and audits the change): their entries of the year, one per cell
    and student, now belong to the new class's gradebook, and so do pending corrections."""
    from hoso.grading.models import CorrectionRequest, CorrectionStatus

    moved = Entry.objects.filter(student=student, school_year=school_year).update(
        school_class=to_class
    )
    CorrectionRequest.objects.filter(
        student=student, school_year=school_year, status=CorrectionStatus.PENDING
    ).update(school_class=to_class)
    school_figures_touch([to_class.school_id or 0])
    return moved
