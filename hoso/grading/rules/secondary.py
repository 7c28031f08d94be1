"""THCS, THPT: Thông tư 22/2021/TT-BGDĐT.

Scored subjects get ĐĐGtx, ĐĐGgk, ĐĐGck (0–10, at most one decimal) and weighted averages
rounded half up to one decimal; comment subjects get Đạt / Chưa đạt and are never averaged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from fractions import Fraction

from hoso.grading.rules.errors import (
    InvalidLevelError,
    InvalidScoreError,
    MissingAssessmentsError,
)
from hoso.grading.rules.i18n import gettext_noop
from hoso.grading.rules.numbers import plain_decimal

ScoreInput = int | Decimal | str
ONE_DECIMAL = Decimal("0.1")
MAX_ABSENT_SESSIONS = 45
MIN_SUBJECTS_AT_LEVEL = 6


class Semester(IntEnum):
    HK1 = 1
    HK2 = 2


class CommentRating(StrEnum):
    """Kết quả môn chỉ đánh giá bằng nhận xét."""

    DAT = "Đ"
    CHUA_DAT = "CĐ"

    @property
    def label(self) -> str:
        return _COMMENT_LABELS[self]


_COMMENT_LABELS = {
    CommentRating.DAT: gettext_noop("Đạt"),
    CommentRating.CHUA_DAT: gettext_noop("Chưa đạt"),
}


class Level(StrEnum):
    """Mức kết quả học tập / kết quả rèn luyện; compare with ``rank`` (higher is better)."""

    TOT = "tot"
    KHA = "kha"
    DAT = "dat"
    CHUA_DAT = "chua_dat"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        return _LEVEL_RANKS[self]


_LEVEL_LABELS = {
    Level.TOT: gettext_noop("Tốt"),
    Level.KHA: gettext_noop("Khá"),
    Level.DAT: gettext_noop("Đạt"),
    Level.CHUA_DAT: gettext_noop("Chưa đạt"),
}
_LEVEL_RANKS = {Level.TOT: 3, Level.KHA: 2, Level.DAT: 1, Level.CHUA_DAT: 0}


class Title(StrEnum):
    """Danh hiệu cuối năm."""

    HOC_SINH_XUAT_SAC = "hoc_sinh_xuat_sac"
    HOC_SINH_GIOI = "hoc_sinh_gioi"

    @property
    def label(self) -> str:
        return _TITLE_LABELS[self]


_TITLE_LABELS = {
    Title.HOC_SINH_XUAT_SAC: gettext_noop("Học sinh Xuất sắc"),
    Title.HOC_SINH_GIOI: gettext_noop("Học sinh Giỏi"),
}


# --- ĐĐGtx count -----------------------------------------------------------------------------


def required_tx_count(periods_per_year: int) -> int:
    """Số ĐĐGtx per semester: ≤ 35 periods/year → 2, > 35–70 → 3, > 70 → 4."""
    if periods_per_year <= 0:
        raise InvalidScoreError(
            gettext_noop("Số tiết/năm học phải lớn hơn 0 (nhận được: {value})."),
            value=periods_per_year,
        )
    if periods_per_year <= 35:
        return 2
    if periods_per_year <= 70:
        return 3
    return 4


# --- Input validation ------------------------------------------------------------------------


def parse_score(value: ScoreInput) -> Decimal:
    """A score 0–10, integer or one decimal ("7,5" accepted); returned with one decimal."""
    number = plain_decimal(value)
    if number is None:
        raise _bad_score(value)
    # The range first: quantize() of a huge number raises InvalidOperation.
    if not 0 <= number <= 10:
        raise InvalidScoreError(
            gettext_noop("Điểm {value} nằm ngoài thang điểm 10 (từ 0 đến 10)."), value=value
        )
    if number != number.quantize(ONE_DECIMAL):
        raise _bad_score(value)
    return number.quantize(ONE_DECIMAL)


def _bad_score(value: object) -> InvalidScoreError:
    return InvalidScoreError(
        gettext_noop(
            "Điểm phải là số nguyên hoặc số thập phân có một chữ số sau dấu phẩy, "
            "từ 0 đến 10 (nhận được: {value})."
        ),
        value=value,
    )


def parse_comment(value: str) -> CommentRating:
    """Comment subjects accept only Đạt / Chưa đạt ("Đ", "CĐ" or the words)."""
    text = value.strip() if isinstance(value, str) else value
    for rating in CommentRating:
        if text == rating.value or (isinstance(text, str) and text.lower() == rating.label.lower()):
            return rating
    raise InvalidLevelError(
        gettext_noop(
            "Môn đánh giá bằng nhận xét chỉ nhận mức Đạt hoặc Chưa đạt, không nhận điểm số "
            "(nhận được: {value})."
        ),
        value=value,
    )


def parse_level(value: str) -> Level:
    """A kết quả học tập/rèn luyện level by code or label."""
    text = value.strip() if isinstance(value, str) else value
    for level in Level:
        if text == level.value or text == level.label:
            return level
    raise InvalidLevelError(
        gettext_noop("Mức '{value}' không hợp lệ; chỉ nhận: Tốt, Khá, Đạt, Chưa đạt."),
        value=value,
    )


# --- Rounding and averages -------------------------------------------------------------------


def round_score(value: Decimal | Fraction) -> Decimal:
    """Round half up to one decimal, exactly (7.125 → 7.1, 6.35 → 6.4, 6.25 → 6.3)."""
    if value < 0:
        raise InvalidScoreError(
            gettext_noop("Điểm không được âm (nhận được: {value})."), value=value
        )
    tenths = math.floor(Fraction(value) * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


def semester_average(
    *,
    tx: Sequence[ScoreInput | None],
    gk: ScoreInput | None,
    ck: ScoreInput | None,
    required_tx: int,
) -> Decimal:
    """ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (số ĐĐGtx + 5), one decimal.

    ``tx`` holds the semester's ĐĐGtx slots (None = not yet entered); exactly ``required_tx``
    scores are needed. Raises MissingAssessmentsError listing every gap.
    """
    _check_slots(tx, gk, ck, required_tx)
    tx_scores = [parse_score(v) for v in tx if v is not None]
    assert gk is not None and ck is not None  # _check_slots guarantees it
    total = sum(tx_scores, Decimal(0)) + 2 * parse_score(gk) + 3 * parse_score(ck)
    return round_score(Fraction(total) / (len(tx_scores) + 5))


def year_average(*, hk1: ScoreInput, hk2: ScoreInput) -> Decimal:
    """ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3, from the rounded semester averages, one decimal."""
    return round_score(Fraction(parse_score(hk1) + 2 * parse_score(hk2)) / 3)


def comment_semester_result(
    *,
    tx: Sequence[str | None],
    gk: str | None,
    ck: str | None,
    required_tx: int,
) -> CommentRating:
    """Đạt when every required assessment is recorded and all are Đạt; else Chưa đạt."""
    _check_slots(tx, gk, ck, required_tx)
    ratings = [parse_comment(v) for v in (*tx, gk, ck) if v is not None]
    if all(r is CommentRating.DAT for r in ratings):
        return CommentRating.DAT
    return CommentRating.CHUA_DAT


def comment_year_result(*, hk2: str) -> CommentRating:
    """The year result of a comment subject is its HK2 result; never averaged."""
    return parse_comment(hk2)


def _check_slots(tx: Sequence[object], gk: object, ck: object, required_tx: int) -> None:
    if len(tx) > required_tx:
        raise InvalidScoreError(
            gettext_noop("Có {count} ĐĐGtx nhưng môn này chỉ có {required} ĐĐGtx mỗi học kì."),
            count=len(tx),
            required=required_tx,
        )
    missing = [
        gettext_noop("ĐĐGtx lần {n}").format(n=i + 1)
        for i in range(required_tx)
        if i >= len(tx) or tx[i] is None
    ]
    if gk is None:
        missing.append(gettext_noop("ĐĐGgk"))
    if ck is None:
        missing.append(gettext_noop("ĐĐGck"))
    if missing:
        raise MissingAssessmentsError(missing)


# --- Kết quả học tập -------------------------------------------------------------------------


def academic_result(
    *,
    scored: Mapping[str, ScoreInput],
    comment: Mapping[str, str],
) -> Level:
    """Kết quả học tập of a semester (from ĐTBmhk) or year (from ĐTBmcn), TT 22 Điều 9.

    ``scored`` maps subject code → average, ``comment`` maps subject code → Đạt/Chưa đạt,
    for every subject the pupil studies.
    """
    averages = [parse_score(v) for v in scored.values()]
    failed_comment = sum(parse_comment(v) is CommentRating.CHUA_DAT for v in comment.values())

    def at_least(limit: str) -> int:
        return sum(a >= Decimal(limit) for a in averages)

    if failed_comment == 0 and all(a >= Decimal("6.5") for a in averages):
        if at_least("8.0") >= MIN_SUBJECTS_AT_LEVEL:
            return Level.TOT
    if failed_comment == 0 and all(a >= Decimal("5.0") for a in averages):
        if at_least("6.5") >= MIN_SUBJECTS_AT_LEVEL:
            return Level.KHA
    if failed_comment <= 1 and all(a >= Decimal("3.5") for a in averages):
        if at_least("5.0") >= MIN_SUBJECTS_AT_LEVEL:
            return Level.DAT
    return Level.CHUA_DAT


# --- Kết quả rèn luyện -----------------------------------------------------------------------


class ConductYearRule(StrEnum):
    """How the year's kết quả rèn luyện follows from the two semesters. UNCONFIRMED."""

    TT22_MATRIX = "tt22_matrix"  # default: HK2 decides, HK1 can move it one level
    HK2 = "hk2"  # the year takes the HK2 level


def conduct_year_result(
    *, hk1: str, hk2: str, rule: ConductYearRule = ConductYearRule.TT22_MATRIX
) -> Level:
    """Kết quả rèn luyện cả năm from the two semester levels.

    TT22_MATRIX (default, UNCONFIRMED, our reading of TT 22 Điều 8): Tốt = HK2 Tốt and HK1 ≥ Khá;
    Khá = HK2 Khá and HK1 ≥ Đạt, or HK2 Đạt and HK1 Tốt, or HK2 Tốt and HK1 ≤ Đạt;
    Đạt = HK2 Đạt and HK1 ≤ Khá, or HK2 Khá and HK1 Chưa đạt; Chưa đạt = the rest.
    """
    first, second = parse_level(hk1), parse_level(hk2)
    if rule is ConductYearRule.HK2:
        return second
    return _CONDUCT_MATRIX[(second, first)]


_T, _K, _D, _C = Level.TOT, Level.KHA, Level.DAT, Level.CHUA_DAT
_CONDUCT_MATRIX: Mapping[tuple[Level, Level], Level] = {
    # (HK2, HK1): year
    (_T, _T): _T, (_T, _K): _T, (_T, _D): _K, (_T, _C): _K,
    (_K, _T): _K, (_K, _K): _K, (_K, _D): _K, (_K, _C): _D,
    (_D, _T): _K, (_D, _K): _D, (_D, _D): _D, (_D, _C): _D,
    (_C, _T): _C, (_C, _K): _C, (_C, _D): _C, (_C, _C): _C,
}  # fmt: skip


# --- Year end: titles and promotion ----------------------------------------------------------


def year_title(
    *,
    conduct: str,
    academic: str,
    year_averages: Mapping[str, ScoreInput],
) -> Title | None:
    """Học sinh Giỏi = both year results Tốt; Xuất sắc = also ≥ 6 ĐTBmcn ≥ 9.0. Year end only."""
    if parse_level(conduct) is not Level.TOT or parse_level(academic) is not Level.TOT:
        return None
    nines = sum(parse_score(v) >= Decimal("9.0") for v in year_averages.values())
    if nines >= MIN_SUBJECTS_AT_LEVEL:
        return Title.HOC_SINH_XUAT_SAC
    return Title.HOC_SINH_GIOI


@dataclass(frozen=True, slots=True)
class PromotionDecision:
    promoted: bool
    reasons: tuple[str, ...]  # Vietnamese, empty when promoted


def promotion_decision(
    *,
    conduct: str,
    academic: str,
    absent_sessions: int,
    max_absent_sessions: int = MAX_ABSENT_SESSIONS,
) -> PromotionDecision:
    """Lên lớp: year rèn luyện ≥ Đạt, học tập ≥ Đạt, ≤ 45 buổi nghỉ (có phép hoặc không)."""
    if absent_sessions < 0:
        raise InvalidScoreError(
            gettext_noop("Số buổi nghỉ không được âm (nhận được: {value})."), value=absent_sessions
        )
    reasons: list[str] = []
    if parse_level(conduct) is Level.CHUA_DAT:
        reasons.append(gettext_noop("Kết quả rèn luyện cả năm Chưa đạt."))
    if parse_level(academic) is Level.CHUA_DAT:
        reasons.append(gettext_noop("Kết quả học tập cả năm Chưa đạt."))
    if absent_sessions > max_absent_sessions:
        reasons.append(
            gettext_noop("Nghỉ {count} buổi, quá {limit} buổi trong năm học.").format(
                count=absent_sessions, limit=max_absent_sessions
            )
        )
    return PromotionDecision(promoted=not reasons, reasons=tuple(reasons))
