"""accounts.sso.manage as a matrix: every person of an office_world (every role of a school, of
a Phòng and of the Sở, the administrator), the people of another province with their own QTHT,
a superuser who holds no role and an account with no role × the province's Sở, the other
province's Sở, and "some province" (no object: whether the settings page is theirs at all).

Written by hand from the docstring of hoso/accounts/sso/policies.py and docs/sso.md, never
computed: the system administrator (QTHT) of that Sở or above it configures its sign-in, nobody
else (not the Sở's giám đốc, chuyên viên or văn thư, nobody of a Phòng or school). A QTHT of
one province does not configure another's; a superuser, who holds QTHT above every unit, does
every province's. `visible` agrees with `can` for the Sở.
"""

from __future__ import annotations

import pytest

from hoso.org.models import Role, Unit
from hoso.policy.tests.matrix import assert_row
from tests.factories import UserFactory, grant, office_world, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {"accounts.sso.manage"}

T, F = True, False

# The province's Sở, the other province's Sở, no province.
MANAGE = {
    "admin": (T, F, T),
    "x.admin": (F, T, T),
    "root": (T, T, T),
}
NOTHING = (F, F, F)

# Every person of the worlds (office_world "ms", school_world "msx" with its Sở's QTHT) and the
# two accounts beside them: whoever is not named in MANAGE may configure nothing.
PEOPLE = (
    "hieutruong",
    "phohieutruong",
    "totruong",
    "giaovien",
    "giaovien2",
    "vanthu",
    "chuyenvien",
    "giaovien45",
    "thuthu",
    "thcs.hieutruong",
    "chuyenvien2",
    "school2.hieutruong",
    "school2.giaovien",
    "so",
    "admin",
    "giamdoc",
    "phogiamdoc",
    "so.vanthu",
    "truongphong",
    "photruongphong",
    "phong.vanthu",
    "truongphong2",
    "x.hieutruong",
    "x.phohieutruong",
    "x.totruong",
    "x.giaovien",
    "x.giaovien2",
    "x.vanthu",
    "x.chuyenvien",
    "x.admin",
    "root",
    "nobody",
)


@pytest.fixture
def world():
    """An office_world ("ms"), another province (school_world "msx") whose Sở has its own QTHT
    ("x.admin"), a superuser who holds no role ("root") and an account with no role ("nobody")."""
    here = office_world("ms")
    there = school_world("msx")
    people = dict(here.people)
    people.update({f"x.{key}": person for key, person in there.people.items()})
    people["x.admin"] = UserFactory(username="msx.admin", is_staff=True, is_superuser=True)
    grant(people["x.admin"], Role.QTHT, there.units["so"])
    people["root"] = UserFactory(username="ms.root", is_staff=True, is_superuser=True)
    people["nobody"] = UserFactory(username="ms.nobody")
    return {"people": people, "provinces": [here.units["so"], there.units["so"]]}


def test_the_table_names_only_people_of_the_world(world):
    assert set(PEOPLE) == set(world["people"])
    assert set(MANAGE) <= set(PEOPLE)


def test_only_the_provinces_administrator_configures_its_sign_in(world):
    provinces = world["provinces"]
    for key in PEOPLE:
        row = MANAGE.get(key, NOTHING)
        person = world["people"][key]
        assert_row(person, "accounts.sso.manage", provinces, row[:2], Unit)
        assert_row(person, "accounts.sso.manage", [None], row[2:])
