"""The columns of the gradebook: which cells exist for a subject, the phẩm chất/năng lực sheet
or the rèn luyện sheet, and how one typed value is checked and normalised by the rules.

A *sheet* is what one grid shows for a class: a subject code, "pcnl" (tiểu học phẩm chất và
năng lực, one checkpoint at a time) or "ren_luyen" (THCS/THPT kết quả rèn luyện)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.grading.models import SchoolSubject, SubjectKind
from hoso.grading.rules import primary, secondary
from hoso.grading.rules.errors import GradingRuleError
from hoso.grading.rules.subjects import Checkpoint, primary_traits

PCNL = "pcnl"
REN_LUYEN = "ren_luyen"
ABSENCES_SLOT = "cn.nghi"
MAX_SESSIONS = 400
CHECKPOINTS = [c.value for c in Checkpoint]
SEMESTERS = ["hk1", "hk2"]
MAX_COMMENT = 500
_CP_SHORT = {"giua_hk1": "GK1", "cuoi_hk1": "CK1", "giua_hk2": "GK2", "cuoi_nam": "CN"}

# Shortcuts a teacher types in the grid; the rules then check the full value.
_TRAIT_ALIASES = {"t": "tot", "đ": "dat", "d": "dat", "c": "can_co_gang"}
_COMMENT_ALIASES = {"đ": "Đ", "d": "Đ", "cđ": "CĐ", "cd": "CĐ"}
_LEVEL_ALIASES = {
    "t": "tot",
    "k": "kha",
    "đ": "dat",
    "d": "dat",
    "cđ": "chua_dat",
    "cd": "chua_dat",
}


@dataclass(frozen=True)
class Column:
    area: str  # subject code, trait code or "ren_luyen"
    slot: str  # "cuoi_hk1.muc", "hk1.tx2", …
    label: str
    kind: str  # level | score_int | score | rating | trait | conduct | text
    checkpoint: str  # the window checkpoint this cell belongs to
    sheet: str
    grade: int

    @property
    def key(self) -> str:
        return f"{self.area}|{self.slot}"


def is_primary(grade: int) -> bool:
    return 1 <= grade <= 5


def subject_columns(subject: SchoolSubject) -> list[Column]:
    if subject.kind == SubjectKind.PRIMARY:
        return _primary_subject_columns(subject)
    return _secondary_subject_columns(subject)


def _primary_subject_columns(subject: SchoolSubject) -> list[Column]:
    rule_subject = primary.primary_subject(subject.grade, subject.code)
    cols: list[Column] = []
    for cp in CHECKPOINTS:
        short = _CP_SHORT[cp]
        cols.append(_col(subject, f"{cp}.muc", f"Mức {short}", "level", cp))
        if Checkpoint(cp) in rule_subject.test_checkpoints:
            cols.append(_col(subject, f"{cp}.diem", f"Điểm {short}", "score_int", cp))
    for cp in ("cuoi_hk1", "cuoi_nam"):
        cols.append(_col(subject, f"{cp}.nx", f"Nhận xét {_CP_SHORT[cp]}", "text", cp))
    return cols


def tx_count(subject: SchoolSubject) -> int:
    return secondary.required_tx_count(subject.periods_per_year)


def _secondary_subject_columns(subject: SchoolSubject) -> list[Column]:
    kind = "score" if subject.kind == SubjectKind.SCORE else "rating"
    cols: list[Column] = []
    for sem in SEMESTERS:
        tag = "I" if sem == "hk1" else "II"
        for n in range(1, tx_count(subject) + 1):
            cols.append(_col(subject, f"{sem}.tx{n}", f"TX{n} HK{tag}", kind, sem))
        cols.append(_col(subject, f"{sem}.gk", f"GK HK{tag}", kind, sem))
        cols.append(_col(subject, f"{sem}.ck", f"CK HK{tag}", kind, sem))
    cols.append(_col(subject, "hk2.nx", "Nhận xét", "text", "hk2"))
    return cols


def _col(subject: SchoolSubject, slot: str, label: str, kind: str, cp: str) -> Column:
    return Column(subject.code, slot, label, kind, cp, subject.code, subject.grade)


def trait_area(code: str) -> str:
    """Trait cells live under "pcnl.<code>": "khoa_hoc" is both a subject and a năng lực."""
    return f"{PCNL}.{code}"


def pcnl_columns(grade: int, checkpoint: str) -> list[Column]:
    """Tiểu học: 5 phẩm chất, 3 năng lực chung, 7 năng lực đặc thù at one checkpoint."""
    cols = [
        Column(trait_area(t.code), f"{checkpoint}.muc", t.name, "trait", checkpoint, PCNL, grade)
        for t in primary_traits()
    ]
    cols.append(
        Column(trait_area("nx"), f"{checkpoint}.nx", "Nhận xét", "text", checkpoint, PCNL, grade)
    )
    return cols


def conduct_columns(grade: int) -> list[Column]:
    return [
        Column(REN_LUYEN, "hk1", "Rèn luyện HKI", "conduct", "hk1", REN_LUYEN, grade),
        Column(REN_LUYEN, "hk2", "Rèn luyện HKII", "conduct", "hk2", REN_LUYEN, grade),
        Column(REN_LUYEN, "hk2.nx", "Nhận xét", "text", "hk2", REN_LUYEN, grade),
        # Printed on the TT 22 học bạ ("Tổng số buổi nghỉ học cả năm học") and needed for the
        # promotion decision (≤ 45 buổi).
        Column(REN_LUYEN, ABSENCES_SLOT, "Số buổi nghỉ cả năm", "count", "hk2", REN_LUYEN, grade),
    ]


def normalise(column: Column, raw: str) -> str:
    """The stored form of `raw` for `column`, or DomainError with the rules' Vietnamese message.
    An empty string means "clear the cell"."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        return _normalise(column, text)
    except GradingRuleError as exc:
        raise DomainError(gettext(exc.template).format(**exc.params)) from exc


def _normalise(column: Column, text: str) -> str:
    low = text.lower()
    if column.kind == "level":
        return primary.parse_subject_level(text.upper() if len(text) == 1 else text).value
    if column.kind == "score_int":
        cp = Checkpoint(column.slot.split(".")[0])
        value = primary.validate_score(
            grade=column.grade, subject_code=column.area, checkpoint=cp, value=text
        )
        return str(value)
    if column.kind == "trait":
        return primary.parse_trait_level(_TRAIT_ALIASES.get(low, text)).value
    if column.kind == "score":
        return _score_text(secondary.parse_score(text))
    if column.kind == "rating":
        return secondary.parse_comment(_COMMENT_ALIASES.get(low, text)).value
    if column.kind == "conduct":
        return secondary.parse_level(_LEVEL_ALIASES.get(low, text)).value
    if column.kind == "count":
        if not text.isdigit() or int(text) > MAX_SESSIONS:
            raise DomainError(
                _("Số buổi nghỉ phải là số nguyên từ 0 đến %(max)s.") % {"max": MAX_SESSIONS}
            )
        return str(int(text))
    if len(text) > MAX_COMMENT:
        raise DomainError(_("Nhận xét dài quá %(max)s ký tự.") % {"max": MAX_COMMENT})
    return text


def _score_text(value: object) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def display(column_kind: str, value: str) -> str:
    """How a stored value is shown in the grid and the printouts."""
    if not value:
        return ""
    if column_kind == "trait":
        return primary.TraitLevel(value).label
    if column_kind == "conduct":
        return secondary.Level(value).label
    if column_kind == "score":
        return value.replace(".", ",")
    return value


_SHORT = {
    "trait": {"tot": "T", "dat": "Đ", "can_co_gang": "C"},
    "conduct": {"tot": "T", "kha": "K", "dat": "Đ", "chua_dat": "CĐ"},
}


def grid_text(column_kind: str, value: str) -> str:
    """The short form typed and shown in the entry grid (T/Đ/C, 7,5, …)."""
    if column_kind in _SHORT:
        return _SHORT[column_kind].get(value, value)
    if column_kind == "score":
        return value.replace(".", ",")
    return value
