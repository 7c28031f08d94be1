"""Tiểu học: Thông tư 27/2020/TT-BGDĐT.

Subjects get T/H/C at four checkpoints; some subjects also get an integer periodic test score;
phẩm chất and năng lực get Tốt/Đạt/Cần cố gắng; the year ends with one of four results.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from hoso.grading.rules.errors import (
    InvalidLevelError,
    InvalidScoreError,
    MissingAssessmentsError,
    NoPeriodicTestError,
    UnknownSubjectError,
)
from hoso.grading.rules.i18n import gettext_noop
from hoso.grading.rules.numbers import plain_decimal
from hoso.grading.rules.subjects import (
    Checkpoint,
    PrimarySubject,
    primary_subject,
    primary_subjects,
    primary_traits,
)

ScoreInput = int | Decimal | str

MIN_SCORE = 0
MAX_SCORE = 10
HTXS_MIN_TEST_SCORE = 9  # TT 27 Điều 9, confirmed
HTT_MIN_TEST_SCORE = 7  # TT 27 Điều 9, confirmed
LAST_PRIMARY_GRADE = 5


class SubjectLevel(StrEnum):
    """Mức đạt được của môn học, hoạt động giáo dục."""

    HOAN_THANH_TOT = "T"
    HOAN_THANH = "H"
    CHUA_HOAN_THANH = "C"

    @property
    def label(self) -> str:
        return _SUBJECT_LABELS[self]


_SUBJECT_LABELS = {
    SubjectLevel.HOAN_THANH_TOT: gettext_noop("Hoàn thành tốt"),
    SubjectLevel.HOAN_THANH: gettext_noop("Hoàn thành"),
    SubjectLevel.CHUA_HOAN_THANH: gettext_noop("Chưa hoàn thành"),
}


class TraitLevel(StrEnum):
    """Mức đạt được của phẩm chất, năng lực."""

    TOT = "tot"
    DAT = "dat"
    CAN_CO_GANG = "can_co_gang"

    @property
    def label(self) -> str:
        return _TRAIT_LABELS[self]


_TRAIT_LABELS = {
    TraitLevel.TOT: gettext_noop("Tốt"),
    TraitLevel.DAT: gettext_noop("Đạt"),
    TraitLevel.CAN_CO_GANG: gettext_noop("Cần cố gắng"),
}


class YearEndResult(StrEnum):
    """Kết quả giáo dục cuối năm học."""

    HOAN_THANH_XUAT_SAC = "hoan_thanh_xuat_sac"
    HOAN_THANH_TOT = "hoan_thanh_tot"
    HOAN_THANH = "hoan_thanh"
    CHUA_HOAN_THANH = "chua_hoan_thanh"

    @property
    def label(self) -> str:
        return _RESULT_LABELS[self]

    @property
    def completes_grade(self) -> bool:
        """HTXS, HTT and HT mean the pupil completes the grade's programme."""
        return self is not YearEndResult.CHUA_HOAN_THANH


_RESULT_LABELS = {
    YearEndResult.HOAN_THANH_XUAT_SAC: gettext_noop("Hoàn thành xuất sắc"),
    YearEndResult.HOAN_THANH_TOT: gettext_noop("Hoàn thành tốt"),
    YearEndResult.HOAN_THANH: gettext_noop("Hoàn thành"),
    YearEndResult.CHUA_HOAN_THANH: gettext_noop("Chưa hoàn thành"),
}


class Award(StrEnum):
    HOC_SINH_XUAT_SAC = "hoc_sinh_xuat_sac"
    HOC_SINH_TIEU_BIEU = "hoc_sinh_tieu_bieu"

    @property
    def label(self) -> str:
        return _AWARD_LABELS[self]


_AWARD_LABELS = {
    Award.HOC_SINH_XUAT_SAC: gettext_noop("Học sinh Xuất sắc"),
    Award.HOC_SINH_TIEU_BIEU: gettext_noop("Học sinh tiêu biểu"),
}

PRIMARY_COMPLETION_NOTE = gettext_noop("Hoàn thành chương trình tiểu học")


@dataclass(frozen=True, slots=True)
class HoanThanhThresholds:
    """Conditions for "Hoàn thành"; anything below is "Chưa hoàn thành".

    UNCONFIRMED (DOMAIN.md §2.1): not checked against the text of TT 27 Điều 9. The defaults
    are the stated assumption; a school or Sở may configure others until confirmed.
    """

    subject_levels: frozenset[SubjectLevel] = field(
        default=frozenset({SubjectLevel.HOAN_THANH_TOT, SubjectLevel.HOAN_THANH})
    )
    trait_levels: frozenset[TraitLevel] = field(default=frozenset({TraitLevel.TOT, TraitLevel.DAT}))
    min_test_score: int = 5
    confirmed: bool = False


DEFAULT_HOAN_THANH_THRESHOLDS = HoanThanhThresholds()


@dataclass(frozen=True, slots=True)
class YearEndRecord:
    """A pupil's year-end (cuối năm học) assessments for one grade.

    ``subject_levels`` keys are subject codes, ``trait_levels`` keys are trait codes,
    ``test_scores`` holds the year-end periodic test (the re-test score if re-tested).
    """

    grade: int
    subject_levels: Mapping[str, str]  # SubjectLevel or its code/label
    trait_levels: Mapping[str, str]  # TraitLevel or its code/label
    test_scores: Mapping[str, ScoreInput]


def validate_score(
    *, grade: int, subject_code: str, checkpoint: Checkpoint, value: ScoreInput
) -> int:
    """Return the periodic test score as an int, or raise with a Vietnamese message.

    A score exists only for a subject with a periodic test at that checkpoint in that grade,
    and is an integer from 0 to 10 (TT 27: thang điểm 10, không cho điểm thập phân).
    """
    subject = primary_subject(grade, subject_code)
    if checkpoint not in subject.test_checkpoints:
        raise NoPeriodicTestError(
            gettext_noop("Môn {subject} lớp {grade} không có bài kiểm tra định kì {checkpoint}."),
            subject=subject.name,
            grade=grade,
            checkpoint=checkpoint.label,
        )
    return parse_score(value)


def parse_score(value: ScoreInput) -> int:
    """An integer 0–10; 7.5, "7,5", "abc", 11 and booleans are refused."""
    number = plain_decimal(value)
    if number is None or number != number.to_integral_value():
        raise _not_an_integer(value)
    if not MIN_SCORE <= number <= MAX_SCORE:
        raise InvalidScoreError(
            gettext_noop("Điểm {value} nằm ngoài thang điểm 10 (từ 0 đến 10)."), value=value
        )
    return int(number)


def _not_an_integer(value: object) -> InvalidScoreError:
    return InvalidScoreError(
        gettext_noop(
            "Điểm kiểm tra định kì ở tiểu học phải là số nguyên từ 0 đến 10, không có phần "
            "thập phân (nhận được: {value})."
        ),
        value=value,
    )


def parse_subject_level(value: str) -> SubjectLevel:
    """Accept a code ("T", "H", "C") or its label ("Hoàn thành tốt", …)."""
    return _parse_level(
        SubjectLevel, value, gettext_noop("Hoàn thành tốt, Hoàn thành, Chưa hoàn thành")
    )


def parse_trait_level(value: str) -> TraitLevel:
    """Accept a code ("tot", "dat", "can_co_gang") or its label ("Tốt", "Đạt", "Cần cố gắng")."""
    return _parse_level(TraitLevel, value, gettext_noop("Tốt, Đạt, Cần cố gắng"))


_Level = TypeVar("_Level", SubjectLevel, TraitLevel)


def _parse_level(kind: type[_Level], value: str, allowed: str) -> _Level:
    text = value.strip() if isinstance(value, str) else value
    for level in kind:
        if text == level.value or text == level.label:
            return level
    raise InvalidLevelError(
        gettext_noop("Mức đánh giá '{value}' không hợp lệ; chỉ nhận: {allowed}."),
        value=value,
        allowed=allowed,
    )


def year_end_result(
    record: YearEndRecord,
    thresholds: HoanThanhThresholds = DEFAULT_HOAN_THANH_THRESHOLDS,
) -> YearEndResult:
    """Kết quả giáo dục cuối năm (TT 27 Điều 9); raises if an assessment is missing."""
    subjects = _check_complete(record)
    levels = [parse_subject_level(record.subject_levels[s.code]) for s in subjects]
    traits = [parse_trait_level(record.trait_levels[t.code]) for t in primary_traits()]
    scores = [
        validate_score(
            grade=record.grade,
            subject_code=s.code,
            checkpoint=Checkpoint.CUOI_NAM,
            value=record.test_scores[s.code],
        )
        for s in subjects
        if Checkpoint.CUOI_NAM in s.test_checkpoints
    ]
    all_top = all(lv is SubjectLevel.HOAN_THANH_TOT for lv in levels) and all(
        t is TraitLevel.TOT for t in traits
    )
    if all_top and all(sc >= HTXS_MIN_TEST_SCORE for sc in scores):
        return YearEndResult.HOAN_THANH_XUAT_SAC
    if all_top and all(sc >= HTT_MIN_TEST_SCORE for sc in scores):
        return YearEndResult.HOAN_THANH_TOT
    if (
        all(lv in thresholds.subject_levels for lv in levels)
        and all(t in thresholds.trait_levels for t in traits)
        and all(sc >= thresholds.min_test_score for sc in scores)
    ):
        return YearEndResult.HOAN_THANH
    return YearEndResult.CHUA_HOAN_THANH


def _check_complete(record: YearEndRecord) -> list[PrimarySubject]:
    """The subjects the pupil studies (compulsory + electives present); raise on gaps."""
    catalogue = {s.code: s for s in primary_subjects(record.grade)}
    for code in record.subject_levels:
        if code not in catalogue:
            raise UnknownSubjectError(
                gettext_noop("Môn học '{code}' không có trong chương trình lớp {grade}."),
                code=code,
                grade=record.grade,
            )
    trait_codes = {t.code for t in primary_traits()}
    for code in record.trait_levels:
        if code not in trait_codes:
            raise UnknownSubjectError(
                gettext_noop("'{code}' không phải phẩm chất hoặc năng lực được đánh giá."),
                code=code,
            )
    for code in record.test_scores:
        validate_score(
            grade=record.grade,
            subject_code=code,
            checkpoint=Checkpoint.CUOI_NAM,
            value=record.test_scores[code],
        )
    studied = [s for s in catalogue.values() if not s.elective or s.code in record.subject_levels]
    missing = [
        gettext_noop("mức đạt được môn {name}").format(name=s.name)
        for s in studied
        if s.code not in record.subject_levels
    ]
    missing += [
        gettext_noop("điểm kiểm tra cuối năm môn {name}").format(name=s.name)
        for s in studied
        if Checkpoint.CUOI_NAM in s.test_checkpoints and s.code not in record.test_scores
    ]
    missing += [
        gettext_noop("mức đạt được {name}").format(name=t.name)
        for t in primary_traits()
        if t.code not in record.trait_levels
    ]
    if missing:
        raise MissingAssessmentsError(missing)
    return studied


def completion_note(grade: int, result: YearEndResult) -> str | None:
    """Học bạ lớp 5 records "Hoàn thành chương trình tiểu học" for HTXS/HTT/HT."""
    if grade == LAST_PRIMARY_GRADE and result.completes_grade:
        return PRIMARY_COMPLETION_NOTE
    return None


def award_suggestion(
    result: YearEndResult,
    *,
    outstanding_subjects: Collection[str] = (),
    clear_progress: bool = False,
) -> Award | None:
    """Suggest a commendation; the school decides.

    HTXS ⇒ Học sinh Xuất sắc. HTT with at least one outstanding subject or clear progress
    (both judged by the teacher) ⇒ Học sinh tiêu biểu.
    """
    if result is YearEndResult.HOAN_THANH_XUAT_SAC:
        return Award.HOC_SINH_XUAT_SAC
    if result is YearEndResult.HOAN_THANH_TOT and (outstanding_subjects or clear_progress):
        return Award.HOC_SINH_TIEU_BIEU
    return None
