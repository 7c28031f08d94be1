"""The digital-transformation policy as a matrix: every role × every action × whose set or
sheet. Expectations written by hand from the docstring of
hoso/offices/transformation/policies.py and docs/offices.md, never computed; where an action
has a list scope, `visible` must agree with `can`. The actors and places are a
province_world's: "th1" below is its school, "thcs1" its THCS school, "th2" the school of the
second Phòng."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoso.offices.models import CriteriaSet, SchoolSheet
from hoso.org.models import SchoolYear
from hoso.policy.tests.matrix import assert_row
from tests.factories import World, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "offices.dx.set.view",
    "offices.dx.set.manage",
    "offices.dx.sheet.view",
    "offices.dx.sheet.fill",
    "offices.dx.sheet.submit",
    "offices.dx.sheet.return",
}
# role → the province_world's person holding it
ACTORS = {
    "GV": "giaovien",
    "TTCM": "totruong",
    "PHT": "phohieutruong",
    "HT": "hieutruong",
    "VT": "vanthu",
    "TV": "thuthu",
    "CV_PHONG": "chuyenvien",
    "CV_SO": "so",
    "QTHT": "admin",
}
T, F = True, False


def _rows(default, **rows):
    return {role: rows.get(role, default) for role in ACTORS}


# Sets: the Sở's draft, the Sở's published (sheets for th1 and th2), Phòng 1's published
# (th1), Phòng 2's published (th2). A draft: its office and above. Published: also the Phòng
# below a Sở's set and the leaders and clerk of the schools with a sheet.
SET_VIEW = _rows(
    (F, F, F, F),
    PHT=(F, T, T, F),
    HT=(F, T, T, F),
    VT=(F, T, T, F),
    CV_PHONG=(F, T, T, F),
    CV_SO=(T, T, T, T),
    QTHT=(T, T, T, T),
)
SET_MANAGE = _rows((F, F, F, F), CV_PHONG=(F, F, T, F), CV_SO=(T, T, F, F))
# Sheets of the Sở's set for th1, thcs1, th2: the school's HT, PHT, VT; the offices above.
SHEET_VIEW = _rows(
    (F, F, F),
    PHT=(T, F, F),
    HT=(T, F, F),
    VT=(T, F, F),
    CV_PHONG=(T, T, F),
    CV_SO=(T, T, T),
    QTHT=(T, T, T),
)
SHEET_FILL = _rows((F, F, F), PHT=(T, F, F), HT=(T, F, F))
SHEET_SUBMIT = _rows((F, F, F), HT=(T, F, F))
SHEET_RETURN = _rows((F, F, F), CV_SO=(T, T, T))


@pytest.fixture
def world() -> World:
    return province_world("dxm")


def _set(world, office, state, schools=()):
    today = timezone.localdate()
    cset = CriteriaSet.objects.create(
        office=world.units[office],
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {office} {state}",
        opens_on=today,
        closes_on=today + dt.timedelta(days=5),
        state=state,
        created_by=world.people["admin"],
        created_at=timezone.now(),
    )
    for key in schools:
        SchoolSheet.objects.create(criteria_set=cset, school=world.units[key])
    return cset


@pytest.mark.parametrize("role", ACTORS)
def test_sets_and_sheets(world, role):
    user = world.people[ACTORS[role]]
    sets = [
        _set(world, "so", "draft"),
        _set(world, "so", "open", ("school", "school2")),
        _set(world, "phong", "open", ("school",)),
        _set(world, "phong2", "closed", ("school2",)),
    ]
    assert_row(user, "offices.dx.set.view", sets, SET_VIEW[role], CriteriaSet)
    assert_row(user, "offices.dx.set.manage", sets, SET_MANAGE[role])
    cset = _set(world, "so", "open", ("school", "thcs", "school2"))
    sheets = [cset.sheets.get(school=world.units[key]) for key in ("school", "thcs", "school2")]
    assert_row(user, "offices.dx.sheet.view", sheets, SHEET_VIEW[role], SchoolSheet)
    assert_row(user, "offices.dx.sheet.fill", sheets, SHEET_FILL[role])
    assert_row(user, "offices.dx.sheet.submit", sheets, SHEET_SUBMIT[role])
    assert_row(user, "offices.dx.sheet.return", sheets, SHEET_RETURN[role])
