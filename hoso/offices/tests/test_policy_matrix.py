"""The offices policy as a matrix: every role × every offices action × which office sent what
to which unit.

Expectations are written by hand from docs/offices.md (each recipient unit sees a directive in
Văn bản đến: a school's HT, PHT, VT; a Phòng: its staff; the office sees per unit; the leaders
of the offices oversee the units below like the chuyên viên) and the docstrings of
hoso/offices/policies.py (what an office sends down is seen by that office and the offices
above; managing it is the office's own staff's), never computed. Where an action has a list
scope, `visible` must agree with `can`. The actors and places are a province_world's: "th1"
below is its school, "thcs1" its THCS school, "th2" the school of the second Phòng.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hoso.offices.models import (
    Directive,
    DirectiveRecipient,
    Inspection,
    ReportAssignment,
    ReportRequest,
)
from hoso.org.models import SchoolYear, Unit
from hoso.policy.tests.matrix import assert_row
from hoso.records.models import RecordVersion
from tests.factories import RecordFactory, World, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "offices.office.act",
    "offices.directive.view",
    "offices.directive.manage",
    "offices.recipient.view",
    "offices.recipient.answer",
    "offices.report.view",
    "offices.report.manage",
    "offices.assignment.view",
    "offices.assignment.submit",
    "offices.assignment.return",
    "offices.inspection.view",
    "offices.inspection.work",
    "offices.progress.view",
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
SCHOOL_STAFF = ("GV", "TTCM", "PHT", "HT", "VT", "TV")


def _rows(default, **rows):
    return {role: rows.get(role, default) for role in ACTORS}


# Work as an office: Phòng 1, Phòng 2, the Sở, th1; then "any office" (None).
OFFICE_ACT = _rows((F, F, F, F, F), CV_PHONG=(T, F, F, F, T), CV_SO=(F, F, T, F, T))
# Directives and report requests sent by Phòng 1, Phòng 2, the Sở: seen by the sending office
# and the offices above; managed by the sending office's staff only.
SENT_VIEW = _rows((F, F, F), CV_PHONG=(T, F, F), CV_SO=(T, T, T), QTHT=(T, T, T))
SENT_MANAGE = _rows((F, F, F), CV_PHONG=(T, F, F), CV_SO=(F, F, T))
# Inbox rows of a Sở directive for th1, thcs1, th2, Phòng 1: the school's HT, PHT, VT; the
# Phòng's staff. Nobody else reads or answers another unit's inbox.
RECIPIENT = _rows(
    (F, F, F, F), PHT=(T, F, F, F), HT=(T, F, F, F), VT=(T, F, F, F), CV_PHONG=(F, F, F, T)
)
# A unit's report: Phòng 1 → th1, Phòng 1 → thcs1, Phòng 2 → th2, the Sở → Phòng 1. Seen by
# the unit's receivers and whoever sees the request; submitted by the unit's receivers;
# returned by the requesting office's staff.
ASSIGNMENT_VIEW = _rows(
    (F, F, F, F),
    PHT=(T, F, F, F),
    HT=(T, F, F, F),
    VT=(T, F, F, F),
    CV_PHONG=(T, T, F, T),
    CV_SO=(T, T, T, T),
    QTHT=(T, T, T, T),
)
ASSIGNMENT_SUBMIT = _rows(
    (F, F, F, F), PHT=(T, F, F, F), HT=(T, F, F, F), VT=(T, F, F, F), CV_PHONG=(F, F, F, T)
)
ASSIGNMENT_RETURN = _rows((F, F, F, F), CV_PHONG=(T, T, F, F), CV_SO=(F, F, F, T))
# Inspections: Phòng 1 of th1, Phòng 1 of thcs1, Phòng 2 of th2. Seen by the inspecting office
# (and above) and the inspected school's HT, PHT, VT; worked on by the inspecting office.
INSPECTION_VIEW = _rows(
    (F, F, F),
    PHT=(T, F, F),
    HT=(T, F, F),
    VT=(T, F, F),
    CV_PHONG=(T, T, F),
    CV_SO=(T, T, T),
    QTHT=(T, T, T),
)
INSPECTION_WORK = _rows((F, F, F), CV_PHONG=(T, T, F))
# Gradebook progress of th1, thcs1, th2: the school's HT, PHT; the offices above.
PROGRESS_VIEW = _rows(
    (F, F, F), PHT=(T, F, F), HT=(T, F, F), CV_PHONG=(T, T, F), CV_SO=(T, T, T), QTHT=(T, T, T)
)


@pytest.fixture
def world() -> World:
    """A province_world and a lesson plan of its school (the document the directives carry)."""
    world = province_world("om")
    RecordFactory(owner=world.people["giaovien"], period_key="W05")
    return world


def _user(world, key):
    return world.people[key]


def _unit(world, key):
    return world.units[key]


OFFICES = ("phong", "phong2", "so")


def _directive(world, office, n):
    version = RecordVersion.objects.select_related("record").get(
        record__school=_unit(world, "school")
    )
    return Directive.objects.create(
        office=_unit(world, office),
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {n}",
        record=version.record,
        version=version,
        audience="SCHOOLS",
        issued_by=_user(world, "admin"),
        issued_at=timezone.now(),
    )


def _report_request(world, office, n):
    return ReportRequest.objects.create(
        office=_unit(world, office),
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {n}",
        deadline=timezone.now() + timedelta(days=7),
        template_kind="FORM",
        audience="SCHOOLS",
        created_by=_user(world, "admin"),
        created_at=timezone.now(),
    )


@pytest.mark.parametrize("role", ACTORS)
def test_offices_and_what_they_send(world, role):
    user = _user(world, ACTORS[role])
    places = [*(_unit(world, code) for code in OFFICES), _unit(world, "school"), None]
    assert_row(user, "offices.office.act", places, OFFICE_ACT[role])
    directives = [_directive(world, code, n) for n, code in enumerate(OFFICES)]
    assert_row(user, "offices.directive.view", directives, SENT_VIEW[role], Directive)
    assert_row(user, "offices.directive.manage", directives, SENT_MANAGE[role])
    requests = [_report_request(world, code, n) for n, code in enumerate(OFFICES)]
    assert_row(user, "offices.report.view", requests, SENT_VIEW[role], ReportRequest)
    assert_row(user, "offices.report.manage", requests, SENT_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_inboxes_and_reports(world, role):
    user = _user(world, ACTORS[role])
    directive = _directive(world, "so", 9)
    recipients = [
        DirectiveRecipient.objects.create(
            directive=directive, unit=_unit(world, code), received_at=timezone.now()
        )
        for code in ("school", "thcs", "school2", "phong")
    ]
    for action in ("offices.recipient.view", "offices.recipient.answer"):
        assert_row(user, action, recipients, RECIPIENT[role], DirectiveRecipient)
    by_phong1, by_phong2, by_so = (_report_request(world, c, 10 + n) for n, c in enumerate(OFFICES))
    rows = [
        ReportAssignment.objects.create(request=request, unit=_unit(world, code))
        for request, code in (
            (by_phong1, "school"),
            (by_phong1, "thcs"),
            (by_phong2, "school2"),
            (by_so, "phong"),
        )
    ]
    assert_row(user, "offices.assignment.view", rows, ASSIGNMENT_VIEW[role], ReportAssignment)
    assert_row(user, "offices.assignment.submit", rows, ASSIGNMENT_SUBMIT[role])
    assert_row(user, "offices.assignment.return", rows, ASSIGNMENT_RETURN[role])


@pytest.mark.parametrize("role", ACTORS)
def test_inspections_and_progress(world, role):
    user = _user(world, ACTORS[role])
    inspections = [
        Inspection.objects.create(
            office=_unit(world, office),
            school=_unit(world, school),
            school_year=SchoolYear.objects.get(is_current=True),
            title=f"Ma trận {n}",
            opened_by=_user(world, "admin"),
            opened_at=timezone.now(),
        )
        for n, (office, school) in enumerate(
            (("phong", "school"), ("phong", "thcs"), ("phong2", "school2"))
        )
    ]
    assert_row(user, "offices.inspection.view", inspections, INSPECTION_VIEW[role], Inspection)
    assert_row(user, "offices.inspection.work", inspections, INSPECTION_WORK[role])
    schools = [_unit(world, code) for code in ("school", "thcs", "school2")]
    assert_row(user, "offices.progress.view", schools, PROGRESS_VIEW[role], Unit)
