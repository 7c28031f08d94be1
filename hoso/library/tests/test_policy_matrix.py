"""The school library's policy as a matrix: every role × every library action × which
school's library, loan, weeding or digital resource it is.

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

from hoso.families.tests.factories import parent_of
from hoso.grading.models import Guardian
from hoso.library.models import (
    Copy,
    DigitalResource,
    Hold,
    Loan,
    ResourceState,
    Weeding,
)
from hoso.library.tests.factories import (
    BibRecordFactory,
    CopyFactory,
    DigitalResourceFactory,
    library_world,
)
from hoso.org.models import Staff, Student, Unit
from hoso.org.tests.factories import StudentFactory
from hoso.policy.tests.matrix import assert_row

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "library.view",
    "library.manage",
    "library.opac",
    "library.report",
    "library.union",
    "library.loan.view",
    "library.hold.own",
    "library.hold.request",
    "library.weeding.decide",
    "library.digital.view",
    "library.digital.manage",
    "library.digital.propose",
    "library.digital.vet",
    "library.digital.curate",
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

# The digital library. Collections of th1, th2, Phòng 1, Phòng 2, the Sở and of Tổ 1 of th1 (a
# tổ has none): the school's TV and HT, the offices' chuyên viên at or above, the admin.
DIGITAL_MANAGE = _rows(
    (F, F, F, F, F, F),
    TV=(T, F, F, F, F, F),
    HT=(T, F, F, F, F, F),
    CV_PHONG=(F, F, T, F, F, F),
    CV_SO=(F, F, T, T, T, F),
    QTHT=(T, T, T, T, T, T),
)
# Propose a resource for th1, th2, Phòng 1 (not a school): a teacher, TTCM, TV, HT or PHT of
# the school, the admin.
DIGITAL_PROPOSE = _rows(
    (F, F, F), **dict.fromkeys(("GV", "TTCM", "PHT", "HT", "TV"), (T, F, F)), QTHT=(T, T, F)
)
# Resources: th1.giaovien1's proposal in Tổ 1; th1.giaovien2's rejected proposal in Tổ 1;
# published by th1; published by Phòng 1; published by th2; th1's proposed up to Phòng 1.
# Shared (published or up) with every unit at or below the owner and a pupil's guardian there;
# a proposal with its proposer, the tổ trưởng, the school's TV and HT; proposed up, also with
# the receiving unit's managers.
DIGITAL_VIEW = _rows(
    (F, F, T, T, F, T),
    GV=(T, F, T, T, F, T),
    TTCM=(T, T, T, T, F, T),
    HT=(T, T, T, T, F, T),
    TV=(T, T, T, T, F, T),
    CV_PHONG=(F, F, F, T, F, T),
    CV_SO=(F, F, F, T, F, T),
    QTHT=(T, T, T, T, T, T),
)
# Vet th1 Tổ 1's proposal, th2's proposal, th1's proposed up to Phòng 1, a published one: the
# tổ trưởng of the proposal's tổ; the receiving unit's managers for a proposal up; the admin.
DIGITAL_VET = _rows(
    (F, F, F, F),
    TTCM=(T, F, F, F),
    CV_PHONG=(F, F, T, F),
    CV_SO=(F, F, T, F),
    QTHT=(T, T, T, F),
)
# Curate (propose up) published by th1, by Phòng 1, by th2, and th1's still proposed one: the
# managers of the owner's collection, only once published.
DIGITAL_CURATE = _rows(
    (F, F, F, F),
    TV=(T, F, F, F),
    HT=(T, F, F, F),
    CV_PHONG=(F, T, F, F),
    CV_SO=(F, T, F, F),
    QTHT=(T, T, T, F),
)


@pytest.fixture(autouse=True)
def province():
    """The demo's schools and people in small (library_world("lm"): codes LM-…, usernames lm.…),
    a copy in th1 and in th2, a pupil in each, and ph.hs1, the parent of th1's pupil."""
    world = library_world("lm")
    pupils = {}
    for key in ("th1", "th2"):
        CopyFactory(record=BibRecordFactory(school=world.units[key]))
        pupils[key] = StudentFactory(school=world.units[key])
    parent_of(pupils["th1"], "lm.ph.hs1")  # linked, consent given (hoso.families)
    return world


# The demo's codes → the small province's
CODES = {"PGD-1": "PGD-LM1", "PGD-2": "PGD-LM2", "SO-DEMO": "SO-LM"}


def _user(username):
    return get_user_model().objects.get(username=f"lm.{username}")


def _unit(code):
    return Unit.objects.get(code=CODES.get(code, f"LM-{code}"))


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
    th1_copy = Copy.objects.filter(school=_unit("TH1")).first()
    th2_copy = Copy.objects.filter(school=_unit("TH2")).first()
    own = Staff.objects.filter(user=user).first()
    child = Guardian.objects.get(user__username="lm.ph.hs1").student
    loans = [
        _loan(th1_copy, staff=own) if own else _loan(th1_copy, student=child),
        _loan(th1_copy, staff=Staff.objects.get(user=_user("th1.giaovien2"))),
        _loan(th1_copy, student=child),
        _loan(th2_copy, student=Student.objects.filter(school=_unit("TH2")).first()),
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


@pytest.mark.parametrize("role", ACTORS)
def test_own_holds(role):
    """Only the patron (a teacher) or the parent sees and withdraws a hold; not even the
    thủ thư through this action (she works at the desk, library.manage)."""
    user = _user(ACTORS[role])
    record = Copy.objects.filter(school=_unit("TH1")).first().record
    own = Staff.objects.filter(user=user).first()
    child = Guardian.objects.get(user__username="lm.ph.hs1").student
    colleague = Staff.objects.get(user=_user("th1.giaovien2"))
    holds = [
        Hold.objects.create(record=record, school=record.school, staff=own)
        if own
        else Hold.objects.create(record=record, school=record.school, student=child),
        Hold.objects.create(record=record, school=record.school, staff=colleague),
        Hold.objects.create(record=record, school=record.school, student=child),
    ]
    expected = (T, F, T) if role == "PH" else (own is not None, F, F)
    assert_row(user, "library.hold.own", holds, expected, Hold)


@pytest.mark.parametrize("role", ACTORS)
def test_hold_requests(role):
    """From the catalogue, only a patron of the title's school: its staff, a pupil's parent."""
    user = _user(ACTORS[role])
    records = [Copy.objects.filter(school=_unit(code)).first().record for code in ("TH1", "TH2")]
    patron = role in SCHOOL_ROLES or role == "PH"
    assert_row(user, "library.hold.request", records, (patron, F))


def _proposal(school_code, group_code, username, state=ResourceState.PROPOSED):
    return DigitalResourceFactory(
        owner_unit=_unit(school_code),
        group=_unit(group_code),
        state=state,
        proposed_by=_user(username),
    )


@pytest.mark.parametrize("role", ACTORS)
def test_digital_collections(role):
    user = _user(ACTORS[role])
    units = [_unit(code) for code in ("TH1", "TH2", "PGD-1", "PGD-2", "SO-DEMO", "TH1-TO1")]
    assert_row(user, "library.digital.manage", units, DIGITAL_MANAGE[role])
    assert_row(user, "library.digital.propose", units[:3], DIGITAL_PROPOSE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_digital_resources(role):
    user = _user(ACTORS[role])
    proposed = _proposal("TH1", "TH1-TO1", "th1.giaovien1")
    rejected = _proposal("TH1", "TH1-TO1", "th1.giaovien2", ResourceState.REJECTED)
    th1 = DigitalResourceFactory(owner_unit=_unit("TH1"), proposed_by=_user("th1.thuthu"))
    phong1 = DigitalResourceFactory(
        owner_unit=_unit("PGD-1"), proposed_by=_user("phong1.chuyenvien")
    )
    th2 = DigitalResourceFactory(owner_unit=_unit("TH2"), proposed_by=_user("th2.hieutruong"))
    up = DigitalResourceFactory(
        owner_unit=_unit("TH1"),
        proposed_by=_user("th1.thuthu"),
        state=ResourceState.PROPOSED_UP,
        up_to=_unit("PGD-1"),
    )
    resources = [proposed, rejected, th1, phong1, th2, up]
    assert_row(user, "library.digital.view", resources, DIGITAL_VIEW[role], DigitalResource)
    th2_proposed = _proposal("TH2", "TH2-TO12", "th2.giaovien1")
    assert_row(user, "library.digital.vet", [proposed, th2_proposed, up, th1], DIGITAL_VET[role])
    assert_row(user, "library.digital.curate", [th1, phong1, th2, proposed], DIGITAL_CURATE[role])
