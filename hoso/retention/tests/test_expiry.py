"""Retention end: end of the record's school year + the type's years; 0 = permanent."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.retention.expiry import add_years

D = dt.date


@pytest.mark.parametrize(
    ("year_end", "years", "today", "end", "expired"),
    [
        (D(2019, 5, 31), 5, D(2024, 5, 31), D(2024, 5, 31), False),  # the last day still kept
        (D(2019, 5, 31), 5, D(2024, 6, 1), D(2024, 5, 31), True),
        (D(2019, 5, 31), 10, D(2026, 11, 24), D(2029, 5, 31), False),
        (D(2016, 2, 29), 5, D(2021, 3, 1), D(2021, 2, 28), True),  # 29/02 → 28/02
        (D(2016, 2, 29), 4, D(2020, 2, 29), D(2020, 2, 29), False),
        (D(2025, 5, 31), 70, D(2094, 12, 31), D(2095, 5, 31), False),
    ],
)
def test_retention_end_table(
    year_end: dt.date, years: int, today: dt.date, end: dt.date, expired: bool
) -> None:
    computed = add_years(year_end, years)
    assert computed == end
    assert (today > computed) is expired
