"""The offices policy as a matrix: every role × every offices action × which office sent what
to which unit.

Expectations are written by hand from docs/offices.md (each recipient unit sees a directive in
Văn bản đến: a school's HT, PHT, VT; a Phòng: its staff; the office sees per unit; the leaders
of the offices oversee the units below like the chuyên viên) and the docstrings of
hoso/offices/policies.py (what an office sends down is seen by that office and the offices
above; managing it is the office's own staff's), never computed. Where an action has a list
scope, `visible` must agree with `can`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
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

pytestmark = pytest.mark.django_db

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


def _user(username):
    return get_user_model().objects.get(username=username)


def _unit(code):
    return Unit.objects.get(code=code)


OFFICES = ("PGD-1", "PGD-2", "SO-DEMO")


def _directive(office_code, n):
    version = RecordVersion.objects.select_related("record").first()
    return Directive.objects.create(
        office=_unit(office_code),
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {n}",
        record=version.record,
        version=version,
        audience="SCHOOLS",
        issued_by=_user("admin"),
        issued_at=timezone.now(),
    )


def _report_request(office_code, n):
    return ReportRequest.objects.create(
        office=_unit(office_code),
        school_year=SchoolYear.objects.get(is_current=True),
        title=f"Ma trận {n}",
        deadline=timezone.now() + timedelta(days=7),
        template_kind="FORM",
        audience="SCHOOLS",
        created_by=_user("admin"),
        created_at=timezone.now(),
    )


@pytest.mark.parametrize("role", ACTORS)
def test_offices_and_what_they_send(role):
    user = _user(ACTORS[role])
    places = [*(_unit(code) for code in OFFICES), _unit("TH1"), None]
    assert_row(user, "offices.office.act", places, OFFICE_ACT[role])
    directives = [_directive(code, n) for n, code in enumerate(OFFICES)]
    assert_row(user, "offices.directive.view", directives, SENT_VIEW[role], Directive)
    assert_row(user, "offices.directive.manage", directives, SENT_MANAGE[role])
    requests = [_report_request(code, n) for n, code in enumerate(OFFICES)]
    assert_row(user, "offices.report.view", requests, SENT_VIEW[role], ReportRequest)
    assert_row(user, "offices.report.manage", requests, SENT_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_inboxes_and_reports(role):
    user = _user(ACTORS[role])
    directive = _directive("SO-DEMO", 9)
    recipients = [
        DirectiveRecipient.objects.create(
            directive=directive, unit=_unit(code), received_at=timezone.now()
        )
        for code in ("TH1", "THCS1", "TH2", "PGD-1")
    ]
    for action in ("offices.recipient.view", "offices.recipient.answer"):
        assert_row(user, action, recipients, RECIPIENT[role], DirectiveRecipient)
    by_phong1, by_phong2, by_so = (_report_request(c, 10 + n) for n, c in enumerate(OFFICES))
    rows = [
        ReportAssignment.objects.create(request=request, unit=_unit(code))
        for request, code in (
            (by_phong1, "TH1"),
            (by_phong1, "THCS1"),
            (by_phong2, "TH2"),
            (by_so, "PGD-1"),
        )
    ]
    assert_row(user, "offices.assignment.view", rows, ASSIGNMENT_VIEW[role], ReportAssignment)
    assert_row(user, "offices.assignment.submit", rows, ASSIGNMENT_SUBMIT[role])
    assert_row(user, "offices.assignment.return", rows, ASSIGNMENT_RETURN[role])


@pytest.mark.parametrize("role", ACTORS)
def test_inspections_and_progress(role):
    user = _user(ACTORS[role])
    inspections = [
        Inspection.objects.create(
            office=_unit(office),
            school=_unit(school),
            school_year=SchoolYear.objects.get(is_current=True),
            title=f"Ma trận {n}",
            opened_by=_user("admin"),
            opened_at=timezone.now(),
        )
        for n, (office, school) in enumerate(
            (("PGD-1", "TH1"), ("PGD-1", "THCS1"), ("PGD-2", "TH2"))
        )
    ]
    assert_row(user, "offices.inspection.view", inspections, INSPECTION_VIEW[role], Inspection)
    assert_row(user, "offices.inspection.work", inspections, INSPECTION_WORK[role])
    schools = [_unit(code) for code in ("TH1", "THCS1", "TH2")]
    assert_row(user, "offices.progress.view", schools, PROGRESS_VIEW[role], Unit)
