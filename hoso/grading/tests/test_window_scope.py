"""A window whose scope cannot exist (grade 13, a class of another grade, an unknown subject)
is refused with a Vietnamese message instead of silently opening nothing."""

from __future__ import annotations

import pytest

from hoso.core.errors import DomainError
from hoso.grading.models import EntryWindow
from hoso.grading.services.windows import window_open
from hoso.grading.tests.factories import gradebook_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    return gradebook_world("th1.1A", pupils=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grade": 13}, "Khối lớp phải từ 1 đến 12."),
        ({"grade": 2, "school_class": "th1.1A"}, "thuộc khối 1, không phải khối 2."),
        ({"sheet": "toan_cao_cap"}, "Không có môn hoặc phần 'toan_cao_cap'."),
    ],
)
def test_impossible_scope_is_refused(world, kwargs, message):
    if "school_class" in kwargs:
        kwargs = {**kwargs, "school_class": world.units[kwargs["school_class"]]}
    before = EntryWindow.objects.count()
    with pytest.raises(DomainError, match=message):
        window_open(
            actor=world.people["th1.hieutruong"],
            school=world.units["th1"],
            reason="Mở để kiểm thử",
            **kwargs,
        )
    assert EntryWindow.objects.count() == before


def test_a_real_scope_opens(world):
    window = window_open(
        actor=world.people["th1.vanthu"],
        school=world.units["th1"],
        reason="Theo chỉ đạo của hiệu trưởng",
        grade=1,
        school_class=world.units["th1.1A"],
        sheet="pcnl",
    )
    assert (window.grade, window.sheet, window.is_open) == (1, "pcnl", True)
