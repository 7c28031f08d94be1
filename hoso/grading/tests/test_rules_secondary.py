"""Thông tư 22/2021 rules (THCS, THPT); pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hoso.grading.rules import secondary
from hoso.grading.rules.errors import InvalidLevelError, InvalidScoreError, MissingAssessmentsError
from hoso.grading.rules.secondary import CommentRating, ConductYearRule, Level, Title
from hoso.grading.rules.subjects import AssessmentKind, secondary_subjects

D = Decimal
DAT, CD = CommentRating.DAT, CommentRating.CHUA_DAT
T, K, Đ, C = Level.TOT, Level.KHA, Level.DAT, Level.CHUA_DAT
XS, GIOI = Title.HOC_SINH_XUAT_SAC, Title.HOC_SINH_GIOI
COMMENT_THCS = {
    "giao_duc_the_chat": "Đ",
    "nghe_thuat": "Đ",
    "hoat_dong_trai_nghiem_huong_nghiep": "Đ",
    "noi_dung_giao_duc_dia_phuong": "Đ",
}


def scored(*averages: str) -> dict[str, str]:
    return {f"mon_{i}": a for i, a in enumerate(averages)}


# --- data ------------------------------------------------------------------------------------


def test_thcs_comment_and_scored_subjects() -> None:
    subjects = [s for s in secondary_subjects(8) if not s.elective]
    assert sorted(s.code for s in subjects if s.assessment is AssessmentKind.COMMENT) == sorted(
        COMMENT_THCS
    )
    assert [s.code for s in subjects if s.is_scored] == [
        "ngu_van",
        "toan",
        "ngoai_ngu_1",
        "giao_duc_cong_dan",
        "lich_su_dia_li",
        "khoa_hoc_tu_nhien",
        "cong_nghe",
        "tin_hoc",
    ]


def test_thpt_arts_are_comment_only() -> None:
    kinds = {s.code: s.assessment for s in secondary_subjects(11)}
    assert kinds["am_nhac"] is AssessmentKind.COMMENT
    assert kinds["mi_thuat"] is AssessmentKind.COMMENT
    assert kinds["giao_duc_the_chat"] is AssessmentKind.COMMENT
    assert kinds["vat_li"] is AssessmentKind.SCORE


@pytest.mark.parametrize(
    ("grade", "code", "count"),
    [
        (6, "toan", 4),  # 140 periods
        (6, "ngoai_ngu_1", 4),  # 105
        (6, "giao_duc_cong_dan", 2),  # 35
        (7, "cong_nghe", 2),  # 35
        (8, "cong_nghe", 3),  # 52
        (9, "tin_hoc", 2),  # 35
        (10, "lich_su", 3),  # 52
        (10, "vat_li", 3),  # 70
        (12, "giao_duc_quoc_phong_an_ninh", 2),  # 35
    ],
)
def test_tx_count_from_catalogue(grade: int, code: str, count: int) -> None:
    subject = next(s for s in secondary_subjects(grade) if s.code == code)
    assert secondary.required_tx_count(subject.periods_per_year) == count


@pytest.mark.parametrize(
    ("periods", "count"), [(1, 2), (35, 2), (36, 3), (52, 3), (70, 3), (71, 4), (140, 4)]
)
def test_required_tx_count(periods: int, count: int) -> None:
    assert secondary.required_tx_count(periods) == count


def test_required_tx_count_rejects_zero() -> None:
    with pytest.raises(InvalidScoreError):
        secondary.required_tx_count(0)


# --- input validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7.5", D("7.5")), ("7,5", D("7.5")), (8, D("8.0")), ("0", D("0.0")), (10, D("10.0")),
     (D("7.50"), D("7.5")), (" 9.1 ", D("9.1"))],
)  # fmt: skip
def test_valid_scores(value: object, expected: Decimal) -> None:
    got = secondary.parse_score(value)  # type: ignore[arg-type]
    assert got == expected
    assert str(got) == str(expected)


@pytest.mark.parametrize("value", ["7.25", D("7.05"), "10.1", 11, -0.5, "abc", "", True, "Đ"])
def test_invalid_scores(value: object) -> None:
    with pytest.raises(InvalidScoreError):
        secondary.parse_score(value)  # type: ignore[arg-type]


def test_two_decimals_message_is_vietnamese() -> None:
    with pytest.raises(InvalidScoreError) as info:
        secondary.parse_score("7.25")
    assert info.value.message == (
        "Điểm phải là số nguyên hoặc số thập phân có một chữ số sau dấu phẩy, "
        "từ 0 đến 10 (nhận được: 7.25)."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Đ", DAT), ("Đạt", DAT), ("CĐ", CD), ("Chưa đạt", CD), ("chưa đạt", CD), (DAT, DAT)],
)
def test_comment_values(value: str, expected: CommentRating) -> None:
    assert secondary.parse_comment(value) is expected


@pytest.mark.parametrize("value", ["8", "7.5", "", "Tốt", "Khá"])
def test_comment_subjects_refuse_scores(value: str) -> None:
    with pytest.raises(InvalidLevelError):
        secondary.parse_comment(value)


# --- rounding and averages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("7.125"), D("7.1")), (D("6.35"), D("6.4")), (D("6.25"), D("6.3")), (D("1.15"), D("1.2")),
     (D("8.05"), D("8.1")), (D("6.449999"), D("6.4")), (D("9.95"), D("10.0")), (D("0"), D("0.0"))],
)  # fmt: skip
def test_round_half_up_one_decimal(value: Decimal, expected: Decimal) -> None:
    got = secondary.round_score(value)
    assert got == expected
    assert str(got) == str(expected)


@pytest.mark.parametrize(
    ("tx", "gk", "ck", "expected"),
    [
        # DOMAIN §10 item 8: (24 + 12 + 21) / 8 = 7.125 → 7.1
        ([8, 7, 9], 6, 7, D("7.1")),
        # 50.8 / 8 = 6.35 exactly → 6.4 (float rounding would give 6.3)
        (["6", "6", "6.8"], 7, 6, D("6.4")),
        # 50 / 8 = 6.25 exactly → 6.3 (banker's rounding would give 6.2)
        ([6, 6, 6], 7, 6, D("6.3")),
        # 64.4 / 8 = 8.05 → 8.1
        ([8, 8, "8.4"], 8, 8, D("8.1")),
        ([10, 10, 10], 10, 10, D("10.0")),
        ([0, 0, 0], 0, 0, D("0.0")),
    ],
)
def test_semester_average_three_tx(
    tx: list[object], gk: object, ck: object, expected: Decimal
) -> None:
    got = secondary.semester_average(tx=tx, gk=gk, ck=ck, required_tx=3)  # type: ignore[arg-type]
    assert got == expected
    assert str(got) == str(expected)


def test_semester_average_two_and_four_tx() -> None:
    # (17 + 14 + 24) / 7 = 7.857… → 7.9
    assert secondary.semester_average(tx=[8, 9], gk=7, ck=8, required_tx=2) == D("7.9")
    # (34 + 16 + 27) / 9 = 8.555… → 8.6
    assert secondary.semester_average(tx=[10, 9, 8, 7], gk=8, ck=9, required_tx=4) == D("8.6")


def test_semester_average_lists_missing_scores() -> None:
    with pytest.raises(MissingAssessmentsError) as info:
        secondary.semester_average(tx=[8, None], gk=None, ck=7, required_tx=3)
    assert info.value.missing == ("ĐĐGtx lần 2", "ĐĐGtx lần 3", "ĐĐGgk")
    assert info.value.message == (
        "Chưa đủ đánh giá để tính kết quả, còn thiếu: ĐĐGtx lần 2; ĐĐGtx lần 3; ĐĐGgk."
    )


def test_semester_average_missing_ck_only() -> None:
    with pytest.raises(MissingAssessmentsError) as info:
        secondary.semester_average(tx=[8, 9], gk=7, ck=None, required_tx=2)
    assert info.value.missing == ("ĐĐGck",)


@pytest.mark.parametrize(
    ("tx", "gk", "ck"),
    [([8, 9, 7, 6], 7, 8), ([8, "7.25", 9], 7, 8), ([8, 7, 9], 11, 8), ([8, 7, 9], 7, "Đ")],
)
def test_semester_average_rejects_bad_input(tx: list[object], gk: object, ck: object) -> None:
    with pytest.raises(InvalidScoreError):
        secondary.semester_average(tx=tx, gk=gk, ck=ck, required_tx=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hk1", "hk2", "expected"),
    [
        ("7.1", "8.0", D("7.7")),  # 23.1 / 3
        ("6.5", "6.4", D("6.4")),  # 19.3 / 3 = 6.433…
        ("6.6", "6.4", D("6.5")),  # 19.4 / 3 = 6.466…
        ("8.0", "7.9", D("7.9")),  # 23.8 / 3 = 7.933…
        ("9.9", "10", D("10.0")),  # 29.9 / 3 = 9.966…
        ("5", "5", D("5.0")),
    ],
)
def test_year_average(hk1: str, hk2: str, expected: Decimal) -> None:
    got = secondary.year_average(hk1=hk1, hk2=hk2)
    assert got == expected
    assert str(got) == str(expected)


def test_year_average_refuses_unrounded_semester() -> None:
    with pytest.raises(InvalidScoreError):
        secondary.year_average(hk1="7.125", hk2="8")


# --- comment subjects ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tx", "gk", "ck", "expected"),
    [
        (["Đ", "Đ", "Đ"], "Đ", "Đạt", DAT),
        (["Đ", "CĐ", "Đ"], "Đ", "Đ", CD),
        (["Đ", "Đ", "Đ"], "Đ", "Chưa đạt", CD),
        (["Đ", "Đ", "Đ"], "CĐ", "Đ", CD),
    ],
)
def test_comment_semester_result(tx: list[str], gk: str, ck: str, expected: CommentRating) -> None:
    got = secondary.comment_semester_result(tx=tx, gk=gk, ck=ck, required_tx=3)
    assert got is expected


def test_comment_semester_needs_every_assessment() -> None:
    with pytest.raises(MissingAssessmentsError) as info:
        secondary.comment_semester_result(tx=["Đ"], gk="Đ", ck=None, required_tx=2)
    assert info.value.missing == ("ĐĐGtx lần 2", "ĐĐGck")


def test_comment_semester_refuses_a_score() -> None:
    with pytest.raises(InvalidLevelError):
        secondary.comment_semester_result(tx=["Đ", "8"], gk="Đ", ck="Đ", required_tx=2)


@pytest.mark.parametrize(("hk2", "expected"), [("Đ", DAT), ("CĐ", CD)])
def test_comment_year_is_hk2(hk2: str, expected: CommentRating) -> None:
    assert secondary.comment_year_result(hk2=hk2) is expected


# --- kết quả học tập -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("averages", "comment", "expected"),
    [
        # Tốt: exactly 6 subjects at 8.0, the rest exactly 6.5
        (scored("8.0", "8.0", "8.0", "8.0", "8.0", "8.0", "6.5", "6.5"), COMMENT_THCS, T),
        # only 5 subjects ≥ 8.0 → Khá
        (scored("8.0", "8.0", "8.0", "8.0", "8.0", "7.9", "6.5", "6.5"), COMMENT_THCS, K),
        # one subject 6.4 breaks Tốt → Khá
        (scored("9", "9", "9", "9", "9", "9", "9", "6.4"), COMMENT_THCS, K),
        # one comment subject Chưa đạt: not Tốt/Khá, still Đạt
        (scored("9", "9", "9", "9", "9", "9", "9", "9"), COMMENT_THCS | {"nghe_thuat": "CĐ"}, Đ),
        # two comment subjects Chưa đạt → Chưa đạt
        (
            scored("9", "9", "9", "9", "9", "9", "9", "9"),
            COMMENT_THCS | {"nghe_thuat": "CĐ", "giao_duc_the_chat": "CĐ"},
            C,
        ),
        # Khá: exactly 6 ≥ 6.5, the rest exactly 5.0
        (scored("6.5", "6.5", "6.5", "6.5", "6.5", "6.5", "5.0", "5.0"), COMMENT_THCS, K),
        # one 4.9 breaks Khá → Đạt
        (scored("6.5", "6.5", "6.5", "6.5", "6.5", "6.5", "5.0", "4.9"), COMMENT_THCS, Đ),
        # only 5 ≥ 6.5 → Đạt
        (scored("6.5", "6.5", "6.5", "6.5", "6.5", "6.4", "5.0", "5.0"), COMMENT_THCS, Đ),
        # Đạt: exactly 6 ≥ 5.0, the rest exactly 3.5
        (scored("5.0", "5.0", "5.0", "5.0", "5.0", "5.0", "3.5", "3.5"), COMMENT_THCS, Đ),
        # one 3.4 → Chưa đạt
        (scored("5.0", "5.0", "5.0", "5.0", "5.0", "5.0", "3.5", "3.4"), COMMENT_THCS, C),
        # only 5 ≥ 5.0 → Chưa đạt
        (scored("5.0", "5.0", "5.0", "5.0", "5.0", "4.9", "4.9", "4.9"), COMMENT_THCS, C),
        # the rule is literal: fewer than 6 scored subjects can never reach Đạt
        (scored("10", "10", "10", "10", "10"), COMMENT_THCS, C),
        # no comment subjects at all
        (scored("8", "8", "8", "8", "8", "8"), {}, T),
    ],
)
def test_academic_result(
    averages: dict[str, str], comment: dict[str, str], expected: Level
) -> None:
    assert secondary.academic_result(scored=averages, comment=comment) is expected


@pytest.mark.parametrize(
    ("averages", "comment", "error"),
    [
        (scored("8", "8", "8", "8", "8", "8.25"), COMMENT_THCS, InvalidScoreError),
        (scored("8", "8", "8", "8", "8", "8"), {"nghe_thuat": "8"}, InvalidLevelError),
    ],
)
def test_academic_result_rejects_bad_input(
    averages: dict[str, str], comment: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        secondary.academic_result(scored=averages, comment=comment)


# --- kết quả rèn luyện -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hk1", "hk2", "year"),
    [
        (T, T, T), (K, T, T), (Đ, T, K), (C, T, K),
        (T, K, K), (K, K, K), (Đ, K, K), (C, K, Đ),
        (T, Đ, K), (K, Đ, Đ), (Đ, Đ, Đ), (C, Đ, Đ),
        (T, C, C), (K, C, C), (Đ, C, C), (C, C, C),
    ],
)  # fmt: skip
def test_conduct_year_matrix(hk1: Level, hk2: Level, year: Level) -> None:
    assert secondary.conduct_year_result(hk1=hk1, hk2=hk2) is year


@pytest.mark.parametrize(("hk1", "hk2"), [(T, C), (C, T), (K, Đ)])
def test_conduct_year_hk2_rule(hk1: Level, hk2: Level) -> None:
    assert secondary.conduct_year_result(hk1=hk1, hk2=hk2, rule=ConductYearRule.HK2) is hk2


def test_conduct_accepts_labels_and_refuses_others() -> None:
    assert secondary.conduct_year_result(hk1="Khá", hk2="Tốt") is T
    with pytest.raises(InvalidLevelError):
        secondary.conduct_year_result(hk1="Giỏi", hk2="Tốt")


# --- titles and promotion --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conduct", "academic", "averages", "title"),
    [
        (T, T, scored("9.0", "9.0", "9.0", "9.0", "9.0", "9.0", "7.0", "6.5"), XS),
        (T, T, scored("9.0", "9.0", "9.0", "9.0", "9.0", "8.9", "8.9", "8.9"), GIOI),
        (T, K, scored("10", "10", "10", "10", "10", "10", "10", "10"), None),
        (K, T, scored("10", "10", "10", "10", "10", "10", "10", "10"), None),
        (Đ, Đ, scored("10", "10", "10", "10", "10", "10", "10", "10"), None),
    ],
)  # fmt: skip
def test_year_title(
    conduct: Level, academic: Level, averages: dict[str, str], title: Title | None
) -> None:
    got = secondary.year_title(conduct=conduct, academic=academic, year_averages=averages)
    assert got is title


@pytest.mark.parametrize(
    ("conduct", "academic", "absent", "promoted", "reasons"),
    [
        (Đ, Đ, 45, True, ()),
        (T, T, 0, True, ()),
        (Đ, Đ, 46, False, ("Nghỉ 46 buổi, quá 45 buổi trong năm học.",)),
        (C, T, 0, False, ("Kết quả rèn luyện cả năm Chưa đạt.",)),
        (
            T,
            C,
            50,
            False,
            ("Kết quả học tập cả năm Chưa đạt.", "Nghỉ 50 buổi, quá 45 buổi trong năm học."),
        ),
    ],
)
def test_promotion(
    conduct: Level, academic: Level, absent: int, promoted: bool, reasons: tuple[str, ...]
) -> None:
    decision = secondary.promotion_decision(
        conduct=conduct, academic=academic, absent_sessions=absent
    )
    assert decision.promoted is promoted
    assert decision.reasons == reasons


def test_promotion_refuses_negative_absences() -> None:
    with pytest.raises(InvalidScoreError):
        secondary.promotion_decision(conduct=T, academic=T, absent_sessions=-1)
