"""The school-life entry of the menu ("Chuyển trường, biến động học sinh") and its page: the
movements of the schools the person records for, newest first, with the way to take a
transferred student in; nobody else sees the entry, and the page answers them 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hoso.core.home import nav_for
from hoso.org.tests.factories import school_class, small_province, students
from hoso.schoollife.services.movements import class_change, drop_out_record
from tests.factories import login
from tests.security.test_vietnamese_pages import problems_in

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

ENTRY = "Chuyển trường, biến động học sinh"


@pytest.fixture(autouse=True)
def no_2fa(settings: Any) -> None:
    settings.HOSO_2FA_REQUIRED_ROLES = []


@pytest.fixture
def world() -> Any:
    """th1 with Lớp 1A and 1B, th2 with Lớp 1A; two pupils in th1 1A, one in th2 1A."""
    world = small_province("slx")
    for key, name in (("th1", "1A"), ("th1", "1B"), ("th2", "1A")):
        world.units[f"{key}.{name}"] = school_class(world.units[key], name, 1)
    world.pupils = students(world.units["th1.1A"], 2) + students(world.units["th2.1A"], 1)
    return world


def _labels(world: Any, who: str) -> set[str]:
    return {item.label for item in nav_for(world.people[who])}


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("th1.hieutruong", True),
        ("th1.phohieutruong", True),
        ("th1.vanthu", True),
        ("admin", True),
        ("th1.giaovien1", False),
        ("th1.totruong", False),
        ("th1.thuthu", False),
        ("phong1.chuyenvien", False),
        ("so.chuyenvien", False),
    ],
)
def test_the_menu_entry_is_for_who_records_movements(world: Any, who: str, shown: bool) -> None:
    assert (ENTRY in _labels(world, who)) is shown
    if who == "admin":  # a superuser's pages wait for two-factor set-up: the menu is enough
        return
    answer = login(world.people[who]).get(reverse("schoollife:index"))
    assert answer.status_code == (200 if shown else 404)


def test_the_page_lists_the_schools_movements_newest_first(world: Any) -> None:
    first, second, elsewhere = world.pupils
    clerk = world.people["th1.vanthu"]
    class_change(
        actor=clerk, student=first, to_class=world.units["th1.1B"], on=dt.date(2025, 11, 3)
    )
    drop_out_record(actor=clerk, student=second, on=dt.date(2026, 3, 2), reason="Theo gia đình")
    drop_out_record(
        actor=world.people["th2.hieutruong"],
        student=elsewhere,
        on=dt.date(2026, 3, 4),
        reason="Chuyển vùng",
    )
    page = login(clerk).get(reverse("schoollife:index"))
    rows = [(m.student, m.get_kind_display()) for m in page.context["page"]]
    assert rows == [(second, "Bỏ học"), (first, "Chuyển lớp")]  # not th2's pupil
    text = page.content.decode()
    assert "02/03/2026" in text and "Theo gia đình" in text and "Chuyển vùng" not in text
    assert reverse("schoollife:receive") in text
    assert reverse("schoollife:student", args=[second.pk]) in text
    assert problems_in(text) == []
    only = login(clerk).get(reverse("schoollife:index"), {"loai": "CHUYEN_LOP"})
    assert [m.student for m in only.context["page"]] == [first]
