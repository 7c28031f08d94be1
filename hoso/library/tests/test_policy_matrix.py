"""The school library's policy as a matrix: every role × every library action (the digital
library aside, still listed in hoso/policy/tests/test_matrix.py NOT_YET_COVERED) × which
school's library, loan or weeding it is.

Expectations are written by hand from docs/library.md and the docstrings of
hoso/library/policies.py (every library object carries its school; a school unit stands for its
own library; the union catalogue of a Phòng or the Sở is its chuyên viên's), never computed.
Where an action has a list scope, `visible` must agree with `can`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.grading.models import Guardian
from hoso.library.models import Copy, Loan, Weeding
from hoso.org.models import Staff, Student, Unit
from hoso.policy.tests.matrix import assert_row

pytestmark = pytest.mark.django_db

COVERED = {
    "library.view",
    "library.manage",
    "library.opac",
    "library.report",
    "library.union",
    "library.loan.view",
    "library.weeding.decide",
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
    "PH": "ph.hs1",  # guardian of a pupil of th1
}
T, F = True, False


def _rows(default, **rows):
    return {role: rows.get(role, default) for role in ACTORS}


SCHOOL_ROLES = ("GV", "TTCM", "PHT", "HT", "VT", "TV")
# Libraries of th1, thcs1, th2: the staff of the school, the offices above, the administrator.
LIB_VIEW = _rows(
    (F, F, F),
    **dict.fromkeys(SCHOOL_ROLES, (T, F, F)),
    CV_PHONG=(T, T, F),
    CV_SO=(T, T, T),
    QTHT=(T, T, T),
)
# The catalogue (OPAC): as above, and a parent for their child's school.
OPAC = {**LIB_VIEW, "PH": (T, F, F)}
# Manage: the school's librarian (thủ thư), the administrator.
LIB_MANAGE = _rows((F, F, F), TV=(T, F, F), QTHT=(T, T, T))
# Reports of th1, thcs1, th2, Phòng 1, Phòng 2, the Sở: HT, PHT, TV of the school; the offices
# above; the administrator.
REPORT = _rows(
    (F, F, F, F, F, F),
    PHT=(T, F, F, F, F, F),
    HT=(T, F, F, F, F, F),
    TV=(T, F, F, F, F, F),
    CV_PHONG=(T, T, F, T, F, F),
    CV_SO=(T, T, T, T, T, T),
    QTHT=(T, T, T, T, T, T),
)
# Union catalogue of Phòng 1, Phòng 2, the Sở (th1 has none): its chuyên viên, the admin.
UNION = _rows((F, F, F, F), CV_PHONG=(T, F, F, F), CV_SO=(T, T, T, F), QTHT=(T, T, T, F))
# Loans at th1: the actor's own, th1.giaovien2's, the parent's child's; at th2: a pupil's.
# The borrower, a pupil's guardian, the HT, PHT, TV of the school, the administrator.
LOAN_VIEW = _rows(
    (T, F, F, F),
    PHT=(T, T, T, F),
    HT=(T, T, T, F),
    TV=(T, T, T, F),
    QTHT=(T, T, T, T),
    PH=(F, F, T, F),
)
# Weeding proposals: proposed at th1, proposed at th2, already decided at th1: the HT of the
# school, the administrator; only while proposed.
WEEDING_DECIDE = _rows((F, F, F), HT=(T, F, F), QTHT=(T, T, F))


def _user(username):
    return get_user_model().objects.get(username=username)


def _unit(code):
    return Unit.objects.get(code=code)


@pytest.mark.parametrize("role", ACTORS)
def test_libraries_reports_and_union_catalogues(role):
    user = _user(ACTORS[role])
    schools = [_unit(code) for code in ("TH1", "THCS1", "TH2")]
    assert_row(user, "library.view", schools, LIB_VIEW[role], Unit)
    assert_row(user, "library.opac", schools, OPAC[role], Unit)
    assert_row(user, "library.manage", schools, LIB_MANAGE[role], Unit)
    units = [*schools, *(_unit(code) for code in ("PGD-1", "PGD-2", "SO-DEMO"))]
    assert_row(user, "library.report", units, REPORT[role], Unit)
    offices = [_unit(code) for code in ("PGD-1", "PGD-2", "SO-DEMO", "TH1")]
    assert_row(user, "library.union", offices, UNION[role], Unit)


def _loan(copy, *, staff=None, student=None):
    return Loan.objects.create(
        copy=copy,
        school=copy.school,
        staff=staff,
        student=student,
        issued_at=timezone.now() - timedelta(days=3),
        due_on=timezone.now().date() + timedelta(days=10),
        returned_at=timezone.now(),  # returned: the copy stays free for the demo's loans
        issued_by=_user("th1.thuthu"),
    )


@pytest.mark.parametrize("role", ACTORS)
def test_loans_and_weeding(role):
    user = _user(ACTORS[role])
    th1_copy = Copy.objects.filter(school__code="TH1").first()
    th2_copy = Copy.objects.filter(school__code="TH2").first()
    own = Staff.objects.filter(user=user).first()
    child = Guardian.objects.get(user__username="ph.hs1").student
    loans = [
        _loan(th1_copy, staff=own) if own else _loan(th1_copy, student=child),
        _loan(th1_copy, staff=Staff.objects.get(user__username="th1.giaovien2")),
        _loan(th1_copy, student=child),
        _loan(th2_copy, student=Student.objects.filter(school__code="TH2").first()),
    ]
    expected = LOAN_VIEW[role]
    if role == "PH":  # a parent has no staff loan: the first loan is their child's too
        expected = (T, F, T, F)
    assert_row(user, "library.loan.view", loans, expected, Loan)
    proposer = _user("th1.thuthu")
    weedings = [
        Weeding.objects.create(school=_unit("TH1"), reason="Ma trận", proposed_by=proposer),
        Weeding.objects.create(school=_unit("TH2"), reason="Ma trận", proposed_by=proposer),
        Weeding.objects.create(
            school=_unit("TH1"), reason="Ma trận", proposed_by=proposer, state="approved"
        ),
    ]
    assert_row(user, "library.weeding.decide", weedings, WEEDING_DECIDE[role])
