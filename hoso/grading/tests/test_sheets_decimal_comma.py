"""Typing a score in the grid: THCS/THPT accept the decimal comma ("7,5" = 7.5, one decimal at
most) and show it back with a comma; tiểu học periodic tests refuse any decimal, with the
reason the teacher reads under the cell."""

from __future__ import annotations

import pytest

from hoso.core.errors import DomainError
from hoso.grading.sheets import Column, grid_text, normalise

SECONDARY = Column("toan", "hk1.tx1", "TX1 HKI", "score", "hk1", "toan", 8)
PRIMARY = Column("toan", "cuoi_nam.diem", "Điểm CN", "score_int", "cuoi_nam", "toan", 1)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("7,5", "7.5", "7,5"),
        (" 7,5 ", "7.5", "7,5"),
        ("7.5", "7.5", "7,5"),
        ("0,5", "0.5", "0,5"),
        ("10,0", "10", "10"),
        ("8", "8", "8"),
        ("0", "0", "0"),
    ],
)
def test_secondary_score_accepts_the_decimal_comma(typed, stored, shown):
    assert normalise(SECONDARY, typed) == stored
    assert grid_text("score", stored) == shown


@pytest.mark.parametrize("typed", ["7,55", "7,", ",5", "7,5,1", "10,1", "11", "X", "7 5"])
def test_secondary_score_refuses_more_than_one_decimal_or_out_of_scale(typed):
    with pytest.raises(DomainError) as exc:
        normalise(SECONDARY, typed)
    assert exc.value.message.startswith("Điểm ")
    assert typed.strip() in exc.value.message


@pytest.mark.parametrize("typed", ["7,5", "7.5", "8,5", "X", "1e1"])
def test_primary_periodic_test_refuses_any_decimal_with_a_clear_reason(typed):
    with pytest.raises(DomainError) as exc:
        normalise(PRIMARY, typed)
    assert exc.value.message == (
        "Điểm kiểm tra định kì ở tiểu học phải là số nguyên từ 0 đến 10, không có phần thập "
        f"phân (nhận được: {typed})."
    )


def test_primary_periodic_test_out_of_scale():
    with pytest.raises(DomainError) as exc:
        normalise(PRIMARY, "11")
    assert exc.value.message == "Điểm 11 nằm ngoài thang điểm 10 (từ 0 đến 10)."


@pytest.mark.parametrize(("typed", "stored"), [(" 9 ", "9"), ("0", "0"), ("8,0", "8")])
def test_primary_periodic_test_integer_is_kept(typed, stored):
    # "8,0" is the whole number 8: the rules take it as such.
    assert normalise(PRIMARY, typed) == stored
