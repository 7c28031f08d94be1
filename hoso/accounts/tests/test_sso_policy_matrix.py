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

from hoso.org.models import Unit
from hoso.policy.tests.matrix import assert_row
from tests.factories import TWO_PROVINCES_PEOPLE, two_provinces

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

PEOPLE = TWO_PROVINCES_PEOPLE


@pytest.fixture
def world():
    """An office_world ("ms"), another province (school_world "msx") whose Sở has its own QTHT
    ("x.admin"), a superuser who holds no role ("root") and an account with no role ("nobody")."""
    here, there, people = two_provinces("ms")
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
