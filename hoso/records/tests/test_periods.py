"""Periods as people say them, and the list the upload form offers (nearest first, the one
owed next chosen)."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.org.models import SchoolYear
from hoso.records.models import Period
from hoso.records.periods import period_label, upload_choices

YEAR = SchoolYear(
    name="2025-2026",
    start_date=dt.date(2025, 9, 5),
    term1_end=dt.date(2026, 1, 17),
    end_date=dt.date(2026, 5, 31),
)
WEEKLY = {"weekday": 0, "time": "07:00"}


@pytest.mark.parametrize(
    ("period", "key", "label"),
    [
        (Period.WEEK, "W39", "Tuần 39 (25/05–31/05/2026)"),
        (Period.WEEK, "W01", "Tuần 1 (01/09–07/09/2025)"),
        (Period.MONTH, "2025-10", "Tháng 10/2025"),
        (Period.TERM, "HK1", "Học kỳ I"),
        (Period.TERM, "HK2", "Học kỳ II"),
        (Period.YEAR, "NAM", "Cả năm học 2025-2026"),
        (Period.WEEK, "W99", "W99"),  # not a period of the year: shown as it is
    ],
)
def test_period_labels(period: str, key: str, label: str) -> None:
    assert period_label(period, WEEKLY, YEAR, key) == label


def test_weeks_near_today_come_first_and_the_one_owed_next_is_chosen() -> None:
    choices = upload_choices(Period.WEEK, WEEKLY, YEAR, today=dt.date(2026, 3, 11), due_key="W28")
    assert [slot.key for slot in choices.soon] == ["W27", "W28", "W29", "W30"]
    assert choices.default == "W28"
    assert [slot.key for slot in choices.others][:2] == ["W01", "W02"]
    assert len(choices.soon) + len(choices.others) == 39
    assert choices.keys == {f"W{n:02d}" for n in range(1, 40)}


def test_an_older_period_still_owed_joins_the_first_ones() -> None:
    choices = upload_choices(Period.WEEK, WEEKLY, YEAR, today=dt.date(2026, 3, 11), due_key="W20")
    assert [slot.key for slot in choices.soon] == ["W20", "W27", "W28", "W29", "W30"]
    assert choices.default == "W20"


def test_without_a_due_item_the_current_period_is_chosen() -> None:
    choices = upload_choices(Period.WEEK, WEEKLY, YEAR, today=dt.date(2026, 3, 11), due_key="X")
    assert choices.default == "W28"
    after = upload_choices(Period.WEEK, WEEKLY, YEAR, today=dt.date(2026, 12, 6))
    assert (after.default, [s.key for s in after.soon]) == ("W39", ["W38", "W39"])


def test_terms_and_the_year_are_offered_whole() -> None:
    terms = upload_choices(Period.TERM, {}, YEAR, today=dt.date(2026, 3, 11))
    assert [(s.key, s.label) for s in terms.soon] == [("HK1", "Học kỳ I"), ("HK2", "Học kỳ II")]
    assert (terms.others, terms.default) == ([], "HK2")
    year = upload_choices(Period.YEAR, {}, YEAR, today=dt.date(2026, 3, 11))
    assert [(s.key, s.label) for s in year.soon] == [("NAM", "Cả năm học 2025-2026")]
