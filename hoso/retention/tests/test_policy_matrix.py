"""The retention policy as a matrix: every role × every retention action × which school's
destruction proposal or which record type.

Expectations are written by hand from docs/retention.md and the docstring of
hoso/retention/policies.py (view: the school's HT, PHT and VT, the chuyên viên of the Phòng or
Sở above it, the administrator; decide: the school's HT only; retention periods: the
administrator or a Sở chuyên viên), never computed. Where an action has a list scope, `visible`
must agree with `can`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.org.models import Unit
from hoso.org.tests.factories import small_province
from hoso.policy.tests.matrix import assert_row
from hoso.records.models import RecordType
from hoso.records.tests.factories import catalogue
from hoso.retention.models import DestructionProposal

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def province():
    """The demo's schools and people in small (codes RM-…, usernames rm.…) and the catalogue."""
    catalogue()
    return small_province("rm")


COVERED = {
    "retention.proposal.view",
    "retention.proposal.decide",
    "retention.period.manage",
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


# Proposals of th1, thcs1 (same Phòng), th2 (the other Phòng).
PROPOSAL_VIEW = _rows(
    (F, F, F),
    PHT=(T, F, F),
    HT=(T, F, F),
    VT=(T, F, F),
    CV_PHONG=(T, T, F),
    CV_SO=(T, T, T),
    QTHT=(T, T, T),
)
PROPOSAL_DECIDE = _rows((F, F, F), HT=(T, F, F))
# Periods of: a national type, a type th1 added, "any type" (None).
PERIOD_MANAGE = _rows((F, F, F), CV_SO=(T, T, T), QTHT=(T, T, T))


def _user(username):
    return get_user_model().objects.get(username=f"rm.{username}")


@pytest.mark.parametrize("role", ACTORS)
def test_retention(role):
    user = _user(ACTORS[role])
    proposals = [
        DestructionProposal.objects.create(
            school=Unit.objects.get(code=code), created_at=timezone.now()
        )
        for code in ("RM-TH1", "RM-THCS1", "RM-TH2")
    ]
    assert_row(user, "retention.proposal.view", proposals, PROPOSAL_VIEW[role], DestructionProposal)
    assert_row(user, "retention.proposal.decide", proposals, PROPOSAL_DECIDE[role])
    national = RecordType.objects.get(code="TT28.KHBD")
    school_type = RecordType.objects.create(
        code="MX.TH1",
        name="Ma trận",
        keeper="SCHOOL",
        period="YEAR",
        owner_unit=Unit.objects.get(code="RM-TH1"),
    )
    assert_row(user, "retention.period.manage", [national, school_type, None], PERIOD_MANAGE[role])
