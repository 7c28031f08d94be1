"""A window whose scope cannot exist (grade 13, a class of another grade, an unknown subject)
is refused with a Vietnamese message instead of silently opening nothing."""

from __future__ import annotations

import pytest

from hoso.core.errors import DomainError
from hoso.grading.models import EntryWindow
from hoso.grading.services.windows import window_open

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grade": 13}, "Khối lớp phải từ 1 đến 12."),
        ({"grade": 2, "school_class": "th1.1A"}, "thuộc khối 1, không phải khối 2."),
        ({"sheet": "toan_cao_cap"}, "Không có môn hoặc phần 'toan_cao_cap'."),
    ],
)
def test_impossible_scope_is_refused(demo_user, unit, kwargs, message):
    if "school_class" in kwargs:
        kwargs = {**kwargs, "school_class": unit(kwargs["school_class"])}
    before = EntryWindow.objects.count()
    with pytest.raises(DomainError, match=message):
        window_open(
            actor=demo_user("th1.hieutruong"), school=unit("th1"), reason="Mở để kiểm thử", **kwargs
        )
    assert EntryWindow.objects.count() == before


def test_a_real_scope_opens(demo_user, unit):
    window = window_open(
        actor=demo_user("th1.vanthu"),
        school=unit("th1"),
        reason="Theo chỉ đạo của hiệu trưởng",
        grade=1,
        school_class=unit("th1.1A"),
        sheet="pcnl",
    )
    assert (window.grade, window.sheet, window.is_open) == (1, "pcnl", True)
