"""Every-URL entries of the offices (hoso/offices): directives down to schools, Excel reports up,
inspections, gradebook progress, the operations dashboard. The Phòng's objects (phong1: th1,
thcs1) stand for own / same school / other school, the Sở's for the other district."""

from __future__ import annotations

from typing import Any

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import (
    ADMIN,
    LEADERS_TH1,
    OFFICES,
    OFFICES_ABOVE,
    PHONG,
    READERS_TH1,
    SCHOOL_INBOX,
    SCHOOL_READERS,
    SO,
    TTCM,
    Scopes,
    everywhere,
    th1_and_above,
)
from tests.security.routes import GATE, LOGIN, OBJECT, Route, by_pk


def _directive(scope: str) -> Any:
    """Phòng 1's directive (to th1, thcs1, mn1); in the other district the Sở's (to th1, th2)."""
    from hoso.offices.models import Directive

    office = "SO-DEMO" if scope == "other_district" else "PGD-1"
    return Directive.objects.filter(office__code=office).order_by("pk").first()


def _inbox_row(scope: str) -> Any:
    """The inbox row of the scope's school (hoso/offices/demo.py)."""
    from hoso.offices.models import DirectiveRecipient

    rows = DirectiveRecipient.objects.select_related("directive__office", "unit")
    return rows.filter(unit=demo.school(scope)).order_by("pk").first()


def _report(scope: str) -> Any:
    """Phòng 1's Excel request (th1, thcs1, mn1); in the other district the Sở's (th1, th2)."""
    from hoso.offices.models import ReportRequest

    office = "SO-DEMO" if scope == "other_district" else "PGD-1"
    return ReportRequest.objects.filter(office__code=office).order_by("pk").first()


def _report_unit(scope: str) -> Any:
    from hoso.offices.models import ReportAssignment

    rows = ReportAssignment.objects.select_related("request__office", "unit")
    return rows.filter(unit=demo.school(scope)).order_by("pk").first()


def _inspection(_scope: str) -> Any:
    """The demo inspection (Phòng 1 at th1); the policy's answer differs by role."""
    from hoso.offices.models import Inspection

    return Inspection.objects.select_related("office", "school").order_by("pk").first()


def _progress_school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


OFFICES_ROUTES: dict[str, Route] = {
    # --- offices: directives down ----------------------------------------------------------
    "offices:directives": Route(LOGIN),
    "offices:directive-new": Route(GATE, expect=OFFICES, methods=("GET", "POST")),
    "offices:directive": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.directive.view", targets=by_pk(_directive)
    ),
    "offices:directive-export": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.directive.view", targets=by_pk(_directive)
    ),
    "offices:directive-remind": Route(
        OBJECT,
        expect=Scopes(own={PHONG}, same_school={PHONG}, other_school={PHONG}, other_district={SO}),
        sees=OFFICES_ABOVE,
        action="offices.directive.manage",
        targets=by_pk(_directive),
        methods=("POST",),
    ),
    "offices:inbox": Route(LOGIN),
    "offices:inbox-item": Route(
        OBJECT, expect=SCHOOL_INBOX, action="offices.recipient.view", targets=by_pk(_inbox_row)
    ),
    "offices:inbox-file": Route(
        OBJECT, expect=SCHOOL_INBOX, action="offices.recipient.view", targets=by_pk(_inbox_row)
    ),
    "offices:inbox-answer": Route(
        OBJECT,
        expect=SCHOOL_INBOX,
        action="offices.recipient.answer",
        targets=by_pk(_inbox_row),
        methods=("POST",),
    ),
    "api-offices-directives": Route(
        LOGIN,
        action="offices.directive.view",
        list_model="offices.Directive",
        methods=("GET", "POST"),
    ),
    "api-offices-directive": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.directive.view", targets=by_pk(_directive)
    ),
    "api-offices-directive-status": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.directive.view", targets=by_pk(_directive)
    ),
    "api-offices-directive-remind": Route(
        OBJECT,
        expect=Scopes(own={PHONG}, same_school={PHONG}, other_school={PHONG}, other_district={SO}),
        sees=OFFICES_ABOVE,
        action="offices.directive.manage",
        targets=by_pk(_directive),
        methods=("POST",),
    ),
    "api-offices-inbox": Route(
        LOGIN, action="offices.recipient.view", list_model="offices.DirectiveRecipient"
    ),
    "api-offices-inbox-item": Route(
        OBJECT, expect=SCHOOL_INBOX, action="offices.recipient.view", targets=by_pk(_inbox_row)
    ),
    "api-offices-inbox-answer": Route(
        OBJECT,
        expect=SCHOOL_INBOX,
        action="offices.recipient.answer",
        targets=by_pk(_inbox_row),
        methods=("POST",),
    ),
    # --- offices: reports up ---------------------------------------------------------------
    "offices:reports": Route(LOGIN),
    "offices:reports-due": Route(LOGIN),
    "offices:report-new": Route(GATE, expect=OFFICES, methods=("GET", "POST")),
    "offices:report": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "offices:report-template": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "offices:report-sum": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "offices:report-unit": Route(
        OBJECT,
        expect=SCHOOL_READERS,
        write_expect=SCHOOL_INBOX,
        action="offices.assignment.view",
        targets=by_pk(_report_unit),
        methods=("GET", "POST"),
    ),
    "offices:report-unit-file": Route(
        OBJECT,
        expect=SCHOOL_READERS,
        action="offices.assignment.view",
        targets=by_pk(_report_unit),
    ),
    "offices:report-unit-template": Route(
        OBJECT,
        expect=SCHOOL_READERS,
        action="offices.assignment.view",
        targets=by_pk(_report_unit),
    ),
    "offices:report-unit-return": Route(
        OBJECT,
        expect=Scopes(own={PHONG}, same_school={PHONG}, other_school={PHONG}, other_district={SO}),
        sees=SCHOOL_READERS,
        action="offices.assignment.return",
        targets=by_pk(_report_unit),
        methods=("POST",),
    ),
    "api-offices-reports": Route(
        LOGIN,
        action="offices.report.view",
        list_model="offices.ReportRequest",
        methods=("GET", "POST"),
    ),
    "api-offices-report": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "api-offices-report-status": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "api-offices-report-units": Route(
        OBJECT, expect=OFFICES_ABOVE, action="offices.report.view", targets=by_pk(_report)
    ),
    "api-offices-unit-reports": Route(
        LOGIN, action="offices.assignment.view", list_model="offices.ReportAssignment"
    ),
    "api-offices-unit-report": Route(
        OBJECT,
        expect=SCHOOL_READERS,
        action="offices.assignment.view",
        targets=by_pk(_report_unit),
    ),
    "api-offices-unit-report-submit": Route(
        OBJECT,
        expect=SCHOOL_INBOX,
        sees=SCHOOL_READERS,
        action="offices.assignment.submit",
        targets=by_pk(_report_unit),
        methods=("POST",),
    ),
    "api-offices-unit-report-return": Route(
        OBJECT,
        expect=Scopes(own={PHONG}, same_school={PHONG}, other_school={PHONG}, other_district={SO}),
        sees=SCHOOL_READERS,
        action="offices.assignment.return",
        targets=by_pk(_report_unit),
        methods=("POST",),
    ),
    "offices:report-seed-template": Route(GATE, expect=OFFICES),
    # --- offices: inspections and gradebook progress ---------------------------------------
    "offices:inspections": Route(LOGIN),
    "offices:inspection-new": Route(GATE, expect=OFFICES, methods=("GET", "POST")),
    "offices:inspection": Route(
        OBJECT,
        expect=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
        action="offices.inspection.view",
        targets=by_pk(_inspection),
    ),
    "offices:inspection-finding": Route(
        OBJECT,
        expect=everywhere({PHONG}),
        sees=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
        action="offices.inspection.work",
        targets=by_pk(_inspection),
        methods=("POST",),
    ),
    "offices:inspection-minutes": Route(
        OBJECT,
        expect=everywhere({PHONG}),
        sees=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
        action="offices.inspection.work",
        targets=by_pk(_inspection),
        methods=("POST",),
    ),
    "offices:inspection-send": Route(
        OBJECT,
        expect=everywhere({PHONG}),
        sees=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
        action="offices.inspection.work",
        targets=by_pk(_inspection),
        methods=("POST",),
    ),
    "offices:progress": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1),
        action="offices.progress.view",
        targets=_progress_school,
    ),
    "api-offices-inspections": Route(
        LOGIN,
        action="offices.inspection.view",
        list_model="offices.Inspection",
        methods=("GET", "POST"),
    ),
    "api-offices-inspection": Route(
        OBJECT,
        expect=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
        action="offices.inspection.view",
        targets=by_pk(_inspection),
    ),
    **{
        name: Route(
            OBJECT,
            expect=everywhere({PHONG}),
            sees=everywhere(READERS_TH1 | OFFICES | {ADMIN}),
            action="offices.inspection.work",
            targets=by_pk(_inspection),
            methods=("POST",),
        )
        for name in (
            "api-offices-inspection-finding",
            "api-offices-inspection-minutes",
            "api-offices-inspection-send",
        )
    },
    "api-offices-progress": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1),
        action="offices.progress.view",
        targets=_progress_school,
    ),
    # --- offices: operations dashboard -----------------------------------------------------
    "offices:dashboard": Route(GATE, expect=READERS_TH1 | OFFICES | {TTCM, ADMIN}),
    "offices:dashboard-export": Route(GATE, expect=READERS_TH1 | OFFICES | {TTCM, ADMIN}),
    "offices:dashboard-pdf": Route(GATE, expect=READERS_TH1 | OFFICES | {TTCM, ADMIN}),
    "api-offices-dashboard": Route(GATE, expect=READERS_TH1 | OFFICES | {TTCM, ADMIN}),
}
