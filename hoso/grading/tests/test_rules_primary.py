"""Thông tư 27/2020 rules (tiểu học); pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hoso.grading.rules import primary
from hoso.grading.rules.errors import (
    InvalidLevelError,
    InvalidScoreError,
    MissingAssessmentsError,
    NoPeriodicTestError,
    UnknownSubjectError,
)
from hoso.grading.rules.primary import (
    Award,
    HoanThanhThresholds,
    YearEndRecord,
    YearEndResult,
)
from hoso.grading.rules.subjects import Checkpoint, primary_subjects, primary_traits

C = Checkpoint
R = YearEndResult
TESTED_4 = ["tieng_viet", "toan", "ngoai_ngu_1", "lich_su_dia_li", "khoa_hoc", "tin_hoc_cong_nghe"]


def record(
    grade: int = 4,
    *,
    levels: dict[str, str] | None = None,
    traits: dict[str, str] | None = None,
    scores: dict[str, int | str | Decimal] | None = None,
    default_score: int = 9,
) -> YearEndRecord:
    """All compulsory subjects T, all traits Tốt, every year-end test ``default_score``."""
    compulsory = [s for s in primary_subjects(grade) if not s.elective]
    return YearEndRecord(
        grade=grade,
        subject_levels={s.code: "T" for s in compulsory} | (levels or {}),
        trait_levels={t.code: "tot" for t in primary_traits()} | (traits or {}),
        test_scores=_scores(grade, default_score) | (scores or {}),
    )


def _scores(grade: int, score: int) -> dict[str, int | str | Decimal]:
    return {
        s.code: score for s in primary_subjects(grade) if s.has_periodic_test and not s.elective
    }


# --- data ------------------------------------------------------------------------------------


def test_traits_are_5_phẩm_chất_3_năng_lực_chung_7_năng_lực_đặc_thù() -> None:
    groups = [t.group for t in primary_traits()]
    assert groups.count("pham_chat") == 5
    assert groups.count("nang_luc_chung") == 3
    assert groups.count("nang_luc_dac_thu") == 7
    assert [t.name for t in primary_traits()][:5] == [
        "Yêu nước",
        "Nhân ái",
        "Chăm chỉ",
        "Trung thực",
        "Trách nhiệm",
    ]


@pytest.mark.parametrize(
    ("grade", "tested"),
    [
        (1, ["tieng_viet", "toan"]),
        (2, ["tieng_viet", "toan"]),
        (3, ["tieng_viet", "toan", "ngoai_ngu_1", "tin_hoc_cong_nghe"]),
        (4, TESTED_4),
        (5, TESTED_4),
    ],
)
def test_subjects_with_periodic_tests_per_grade(grade: int, tested: list[str]) -> None:
    assert [s.code for s in primary_subjects(grade) if s.has_periodic_test] == tested


@pytest.mark.parametrize(
    ("grade", "code", "checkpoints"),
    [
        (3, "toan", {C.CUOI_HK1, C.CUOI_NAM}),
        (4, "toan", {C.GIUA_HK1, C.CUOI_HK1, C.GIUA_HK2, C.CUOI_NAM}),
        (5, "tieng_viet", {C.GIUA_HK1, C.CUOI_HK1, C.GIUA_HK2, C.CUOI_NAM}),
        (5, "khoa_hoc", {C.CUOI_HK1, C.CUOI_NAM}),
        (4, "dao_duc", set()),
    ],
)
def test_test_checkpoints(grade: int, code: str, checkpoints: set[Checkpoint]) -> None:
    subject = next(s for s in primary_subjects(grade) if s.code == code)
    assert subject.test_checkpoints == checkpoints


# --- score validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "code", "checkpoint", "value", "expected"),
    [
        (4, "toan", C.GIUA_HK1, "7", 7),
        (5, "tieng_viet", C.GIUA_HK2, 10, 10),
        (1, "toan", C.CUOI_HK1, 0, 0),
        (3, "tin_hoc_cong_nghe", C.CUOI_NAM, Decimal("8"), 8),
        (4, "khoa_hoc", C.CUOI_NAM, " 6 ", 6),
    ],
)
def test_valid_scores(
    grade: int, code: str, checkpoint: Checkpoint, value: int | str | Decimal, expected: int
) -> None:
    got = primary.validate_score(grade=grade, subject_code=code, checkpoint=checkpoint, value=value)
    assert got == expected


@pytest.mark.parametrize(
    ("grade", "code", "checkpoint", "error"),
    [
        (3, "toan", C.GIUA_HK1, NoPeriodicTestError),  # mid-term tests only in lớp 4–5
        (4, "khoa_hoc", C.GIUA_HK1, NoPeriodicTestError),  # mid-term only Tiếng Việt, Toán
        (4, "dao_duc", C.CUOI_NAM, NoPeriodicTestError),
        (2, "ngoai_ngu_1", C.CUOI_NAM, NoPeriodicTestError),  # elective in lớp 1–2
        (2, "khoa_hoc", C.CUOI_NAM, UnknownSubjectError),
        (6, "toan", C.CUOI_NAM, UnknownSubjectError),
    ],
)
def test_score_refused_where_no_test(
    grade: int, code: str, checkpoint: Checkpoint, error: type[Exception]
) -> None:
    with pytest.raises(error):
        primary.validate_score(grade=grade, subject_code=code, checkpoint=checkpoint, value=7)


@pytest.mark.parametrize(
    "value", ["7.5", Decimal("7.5"), "7,5", 11, -1, "abc", "", "NaN", True, "10.01"]
)
def test_invalid_scores(value: object) -> None:
    with pytest.raises(InvalidScoreError):
        primary.parse_score(value)  # type: ignore[arg-type]


def test_decimal_score_message_is_vietnamese() -> None:
    with pytest.raises(InvalidScoreError) as info:
        primary.validate_score(grade=4, subject_code="toan", checkpoint=C.CUOI_NAM, value="7.5")
    assert info.value.message == (
        "Điểm kiểm tra định kì ở tiểu học phải là số nguyên từ 0 đến 10, không có phần "
        "thập phân (nhận được: 7.5)."
    )
    assert info.value.code == "invalid_score"


def test_no_test_message_is_vietnamese() -> None:
    with pytest.raises(NoPeriodicTestError) as info:
        primary.validate_score(grade=3, subject_code="toan", checkpoint=C.GIUA_HK1, value=7)
    assert info.value.message == "Môn Toán lớp 3 không có bài kiểm tra định kì giữa học kì I."


# --- year-end result -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rec", "expected"),
    [
        (record(default_score=9), R.HOAN_THANH_XUAT_SAC),
        (record(default_score=10), R.HOAN_THANH_XUAT_SAC),
        # DOMAIN §10 item 7: all T, all Tốt, Toán 8, others 9 ⇒ Hoàn thành tốt, not xuất sắc
        (record(scores={"toan": 8}), R.HOAN_THANH_TOT),
        (record(default_score=7), R.HOAN_THANH_TOT),
        (record(scores={"khoa_hoc": 6}), R.HOAN_THANH),
        (record(default_score=10, levels={"am_nhac": "H"}), R.HOAN_THANH),
        (record(default_score=10, traits={"trung_thuc": "dat"}), R.HOAN_THANH),
        (record(default_score=5), R.HOAN_THANH),
        (record(scores={"toan": 4}), R.CHUA_HOAN_THANH),
        (record(levels={"tieng_viet": "C"}), R.CHUA_HOAN_THANH),
        (record(traits={"the_chat": "can_co_gang"}), R.CHUA_HOAN_THANH),
        (record(grade=1), R.HOAN_THANH_XUAT_SAC),
        (record(grade=1, scores={"toan": 8}), R.HOAN_THANH_TOT),
        # an elective the pupil studies counts like any subject
        (record(grade=1, levels={"tieng_dan_toc_thieu_so": "H"}), R.HOAN_THANH),
        # labels are accepted as well as codes
        (
            record(levels={"toan": "Hoàn thành tốt"}, traits={"nhan_ai": "Tốt"}),
            R.HOAN_THANH_XUAT_SAC,
        ),
    ],
)
def test_year_end_result(rec: YearEndRecord, expected: YearEndResult) -> None:
    assert primary.year_end_result(rec) is expected


def test_hoan_thanh_thresholds_are_configurable() -> None:
    strict = HoanThanhThresholds(min_test_score=6)
    assert primary.year_end_result(record(scores={"toan": 5}), strict) is R.CHUA_HOAN_THANH
    assert primary.year_end_result(record(scores={"toan": 6}), strict) is R.HOAN_THANH
    assert primary.DEFAULT_HOAN_THANH_THRESHOLDS.confirmed is False


def test_missing_assessments_are_listed() -> None:
    rec = record()
    rec = YearEndRecord(
        grade=4,
        subject_levels={k: v for k, v in rec.subject_levels.items() if k != "toan"},
        trait_levels={k: v for k, v in rec.trait_levels.items() if k != "yeu_nuoc"},
        test_scores={k: v for k, v in rec.test_scores.items() if k != "khoa_hoc"},
    )
    with pytest.raises(MissingAssessmentsError) as info:
        primary.year_end_result(rec)
    assert info.value.missing == (
        "mức đạt được môn Toán",
        "điểm kiểm tra cuối năm môn Khoa học",
        "mức đạt được Yêu nước",
    )


@pytest.mark.parametrize(
    ("rec", "error"),
    [
        (record(levels={"vat_li": "T"}), UnknownSubjectError),
        (record(traits={"sang_tao": "tot"}), UnknownSubjectError),
        (record(scores={"dao_duc": 9}), NoPeriodicTestError),
        (record(scores={"toan": "8.5"}), InvalidScoreError),
        (record(levels={"toan": "A"}), InvalidLevelError),
        (record(traits={"nhan_ai": "Khá"}), InvalidLevelError),
    ],
)
def test_year_end_rejects_bad_input(rec: YearEndRecord, error: type[Exception]) -> None:
    with pytest.raises(error):
        primary.year_end_result(rec)


@pytest.mark.parametrize(
    ("grade", "result", "note"),
    [
        (5, R.HOAN_THANH_XUAT_SAC, "Hoàn thành chương trình tiểu học"),
        (5, R.HOAN_THANH_TOT, "Hoàn thành chương trình tiểu học"),
        (5, R.HOAN_THANH, "Hoàn thành chương trình tiểu học"),
        (5, R.CHUA_HOAN_THANH, None),
        (4, R.HOAN_THANH_XUAT_SAC, None),
    ],
)
def test_completion_note(grade: int, result: YearEndResult, note: str | None) -> None:
    assert primary.completion_note(grade, result) == note


@pytest.mark.parametrize(
    ("result", "outstanding", "progress", "award"),
    [
        (R.HOAN_THANH_XUAT_SAC, (), False, Award.HOC_SINH_XUAT_SAC),
        (R.HOAN_THANH_TOT, ("toan",), False, Award.HOC_SINH_TIEU_BIEU),
        (R.HOAN_THANH_TOT, (), True, Award.HOC_SINH_TIEU_BIEU),
        (R.HOAN_THANH_TOT, (), False, None),
        (R.HOAN_THANH, ("toan",), True, None),
        (R.CHUA_HOAN_THANH, (), True, None),
    ],
)
def test_award_suggestion(
    result: YearEndResult, outstanding: tuple[str, ...], progress: bool, award: Award | None
) -> None:
    got = primary.award_suggestion(
        result, outstanding_subjects=outstanding, clear_progress=progress
    )
    assert got is award


def test_award_labels() -> None:
    assert Award.HOC_SINH_XUAT_SAC.label == "Học sinh Xuất sắc"
    assert Award.HOC_SINH_TIEU_BIEU.label == "Học sinh tiêu biểu"
    assert R.HOAN_THANH_TOT.label == "Hoàn thành tốt"
