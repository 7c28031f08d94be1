"""The digital-transformation policy as a matrix: every demo role × every action × whose set
or sheet. Expectations written by hand from the docstring of
hoso/offices/transformation/policies.py and docs/offices.md, never computed; where an action
has a list scope, `visible` must agree with `can`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.offices.models import CriteriaSet, SchoolSheet
from hoso.org.models import SchoolYear, Unit
from hoso.policy.tests.matrix import assert_row

pytestmark = pytest.mark.django_db

COVERED = {
    "offices.dx.set.view",
    "offices.dx.set.manage",
    "offices.dx.sheet.view",
    "offices.dx.sheet.fill",
    "offices.dx.sheet.submit",
    "offices.dx.sheet.return",
}
ACTORS = {
    "GV": "th1.giaovien1",
    "TTCM": "th1.totruong",
    "PHT": "th1.phohieutruong",
    "HT": "th1.hieutruong",
    "VT": "th1.vanthu",
    "TV": "th1.thuthu",
    "CV_PHONG": "phong1.chuyenvien",
    "CV_SO": "so.chuyenvien",
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


def _unit(code):
    return Unit.objects.get(code=code)


def _set(office, state, schools=()):
    today = timezone.localdate()
    cset = CriteriaSet.objects.create(
        office=_unit(office),
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {office} {state}",
        opens_on=today,
        closes_on=today + dt.timedelta(days=5),
        state=state,
        created_by=get_user_model().objects.get(username="admin"),
        created_at=timezone.now(),
    )
    for code in schools:
        SchoolSheet.objects.create(criteria_set=cset, school=_unit(code))
    return cset


@pytest.mark.parametrize("role", ACTORS)
def test_sets_and_sheets(role):
    user = get_user_model().objects.get(username=ACTORS[role])
    sets = [
        _set("SO-DEMO", "draft"),
        _set("SO-DEMO", "open", ("TH1", "TH2")),
        _set("PGD-1", "open", ("TH1",)),
        _set("PGD-2", "closed", ("TH2",)),
    ]
    assert_row(user, "offices.dx.set.view", sets, SET_VIEW[role], CriteriaSet)
    assert_row(user, "offices.dx.set.manage", sets, SET_MANAGE[role])
    cset = _set("SO-DEMO", "open", ("TH1", "THCS1", "TH2"))
    sheets = [cset.sheets.get(school__code=code) for code in ("TH1", "THCS1", "TH2")]
    assert_row(user, "offices.dx.sheet.view", sheets, SHEET_VIEW[role], SchoolSheet)
    assert_row(user, "offices.dx.sheet.fill", sheets, SHEET_FILL[role])
    assert_row(user, "offices.dx.sheet.submit", sheets, SHEET_SUBMIT[role])
    assert_row(user, "offices.dx.sheet.return", sheets, SHEET_RETURN[role])
