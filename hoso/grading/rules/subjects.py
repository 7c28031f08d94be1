"""Subjects per level and grade, read from ``hoso/grading/data/subjects.json``.

The JSON keeps the source and a ``confirmed`` flag for every fact; this module only types it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from hoso.grading.rules.errors import UnknownSubjectError
from hoso.grading.rules.i18n import gettext_noop

PRIMARY_GRADES = range(1, 6)
SECONDARY_GRADES = range(6, 13)


class Checkpoint(StrEnum):
    """Thời điểm đánh giá ở tiểu học (TT 27/2020)."""

    GIUA_HK1 = "giua_hk1"
    CUOI_HK1 = "cuoi_hk1"
    GIUA_HK2 = "giua_hk2"
    CUOI_NAM = "cuoi_nam"

    @property
    def label(self) -> str:
        return _CHECKPOINT_LABELS[self]


_CHECKPOINT_LABELS = {
    Checkpoint.GIUA_HK1: gettext_noop("giữa học kì I"),
    Checkpoint.CUOI_HK1: gettext_noop("cuối học kì I"),
    Checkpoint.GIUA_HK2: gettext_noop("giữa học kì II"),
    Checkpoint.CUOI_NAM: gettext_noop("cuối năm học"),
}


class AssessmentKind(StrEnum):
    """Hình thức đánh giá một môn ở THCS/THPT (TT 22/2021)."""

    SCORE = "score"  # nhận xét kết hợp điểm số
    COMMENT = "comment"  # chỉ nhận xét: Đạt / Chưa đạt


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PrimarySubject:
    code: str
    name: str
    grade: int
    periods_per_year: int
    elective: bool
    test_checkpoints: frozenset[Checkpoint]
    sources: tuple[str, ...]
    confirmed: bool
    unconfirmed: tuple[str, ...]

    @property
    def has_periodic_test(self) -> bool:
        return bool(self.test_checkpoints)


@dataclass(frozen=True, slots=True)
class SecondarySubject:
    code: str
    name: str
    grade: int
    periods_per_year: int
    assessment: AssessmentKind
    elective: bool
    sources: tuple[str, ...]
    confirmed: bool
    unconfirmed: tuple[str, ...]

    @property
    def is_scored(self) -> bool:
        return self.assessment is AssessmentKind.SCORE


@dataclass(frozen=True, slots=True)
class Trait:
    """Một phẩm chất hoặc năng lực được đánh giá ở tiểu học."""

    code: str
    name: str
    group: str  # "pham_chat" | "nang_luc_chung" | "nang_luc_dac_thu"


@cache
def _data() -> dict[str, Any]:
    text = resources.files("hoso.grading").joinpath("data/subjects.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def source(key: str) -> Source:
    raw = _data()["sources"][key]
    return Source(key=key, title=raw["title"], url=raw["url"])


def subject_name(code: str) -> str:
    names: dict[str, str] = _data()["subject_names"]
    return names[code]


def subject_names() -> dict[str, str]:
    """Every subject code of the catalogue and its Vietnamese name."""
    return dict(_data()["subject_names"])


def _grade_rows(level: str, grade: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] | None = _data()[level]["grades"].get(str(grade))
    if rows is None:
        raise UnknownSubjectError(
            gettext_noop("Không có khối lớp {grade} ở cấp học này."), grade=grade
        )
    return rows


@cache
def primary_subjects(grade: int) -> tuple[PrimarySubject, ...]:
    """All subjects and activities of a primary grade (1–5), electives included."""
    return tuple(
        PrimarySubject(
            code=row["code"],
            name=subject_name(row["code"]),
            grade=grade,
            periods_per_year=row["periods_per_year"],
            elective=row["elective"],
            test_checkpoints=frozenset(Checkpoint(c) for c in row["test_checkpoints"]),
            sources=tuple(row["sources"]),
            confirmed=row["confirmed"],
            unconfirmed=tuple(row["unconfirmed"]),
        )
        for row in _grade_rows("primary", grade)
    )


@cache
def secondary_subjects(grade: int) -> tuple[SecondarySubject, ...]:
    """All subjects of a secondary grade (6–12), electives included."""
    return tuple(
        SecondarySubject(
            code=row["code"],
            name=subject_name(row["code"]),
            grade=grade,
            periods_per_year=row["periods_per_year"],
            assessment=AssessmentKind(row["assessment"]),
            elective=row["elective"],
            sources=tuple(row["sources"]),
            confirmed=row["confirmed"],
            unconfirmed=tuple(row["unconfirmed"]),
        )
        for row in _grade_rows("secondary", grade)
    )


def primary_subject(grade: int, code: str) -> PrimarySubject:
    for subject in primary_subjects(grade):
        if subject.code == code:
            return subject
    raise UnknownSubjectError(
        gettext_noop("Môn học '{code}' không có trong chương trình lớp {grade}."),
        code=code,
        grade=grade,
    )


def secondary_subject(grade: int, code: str) -> SecondarySubject:
    for subject in secondary_subjects(grade):
        if subject.code == code:
            return subject
    raise UnknownSubjectError(
        gettext_noop("Môn học '{code}' không có trong chương trình lớp {grade}."),
        code=code,
        grade=grade,
    )


@cache
def primary_traits() -> tuple[Trait, ...]:
    """5 phẩm chất, 3 năng lực chung, 7 năng lực đặc thù, in that order."""
    traits = _data()["primary"]["traits"]
    return tuple(
        Trait(code=row["code"], name=row["name"], group=group)
        for group in ("pham_chat", "nang_luc_chung", "nang_luc_dac_thu")
        for row in traits[group]
    )
