"""The route registry of the every-URL authorization test.

EVERY named URL pattern must have an entry here: the test walks the resolver, and a route
without an entry fails it with a message saying to add one. An entry says how the route is
governed:

- PUBLIC: anyone, also anonymous (login page, health check, API schema).
- SELF: the person's own account pages (allauth): anonymous goes to the login page; a
  signed-in person may get 404 where there is nothing of theirs (no authenticator yet).
- LOGIN: any signed-in person; what they see is filtered by a selector (lists). API lists are
  also checked: every id returned must be in `visible(user, action, model)`.
- GATE: a page for some people only; `allowed(user)` is the policy's answer (no object).
- OBJECT: a route about one object; for each scope (own / same school / other school / other
  district) `targets` builds the URL arguments and the object, and the expected answer is
  `can(user, action, obj)`; when the person may not even see the object
  (`not can(user, view_action, obj)`) the answer must be 404, the same as missing.
- SKIP: not reachable with demo data (one-time keys); `reason` says why.

`methods`: what the route accepts. For POST-only routes the test only checks refusals (a
denied POST must be a 4xx and write nothing to the audit log); GET routes are checked both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hoso.audit.models import AuditEntry
from hoso.grading import selectors as grading_selectors
from hoso.org.models import Staff, Student, Unit, UnitKind
from hoso.policy import can, visible
from tests.security import demo
from tests.security.demo import Target

PUBLIC, LOGIN, SELF, GATE, OBJECT, SKIP = "public", "login", "self", "gate", "object", "skip"


@dataclass(frozen=True)
class Route:
    kind: str
    action: str = ""
    view_action: str = ""
    targets: Callable[[str], Target | None] | None = None
    allowed: Callable[[Any], bool] | None = None
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict[str, Any] = field(default_factory=dict)
    list_model: Any = None  # API lists: model whose visible ids bound the response
    reason: str = ""
    query: str = ""
    write_action: str = ""  # the action of the methods other than GET, when it differs


def _any_school_managed(user: Any) -> bool:
    return visible(user, "org.school.manage", Unit.objects.filter(kind=UnitKind.TRUONG)).exists()


def _uploads(user: Any, code: str) -> bool:
    from hoso.records.selectors import types_for_upload

    return any(record_type.code == code for record_type in types_for_upload(user))


def _oversees_any(user: Any) -> bool:
    return visible(user, "records.unit.oversee", Unit.objects.all()).exists()


def _can(action: str) -> Callable[[Any], bool]:
    return lambda user: can(user, action)


def _staff(scope: str) -> Target:
    obj = demo.staff(scope)
    return Target({"pk": obj.pk}, obj)


def _student(scope: str) -> Target:
    obj = demo.student(scope)
    return Target({"pk": obj.pk}, obj)


def _class_filter(scope: str) -> Target:
    obj = demo.school_class(scope)
    return Target({}, obj, query=f"lop={obj.pk}")


def _object(build: Callable[[str], Any], **extra: Any) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        obj = build(scope)
        return None if obj is None else Target({"pk": obj.pk, **extra}, obj)

    return target


def _version(scope: str) -> Target | None:
    record = demo.record(scope)
    version = record.versions.order_by("number").first() if record is not None else None
    if version is None:
        return None
    return Target({"pk": record.pk, "number": version.number}, record)


def _version_file(what: str) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        found = _version(scope)
        if found is not None:
            found.kwargs["what"] = what
        return found

    return target


def _sheet(scope: str) -> Target | None:
    from hoso.grading.catalogue import sheets_of

    school_class = demo.school_class(scope)
    sheets = sheets_of(school_class)
    if not sheets:
        return None
    sheet = sheets[0][0]
    return Target(
        {"pk": school_class.pk, "sheet": sheet}, (school_class, sheet), view_obj=school_class
    )


def _class_of_sheet(scope: str) -> Target | None:
    found = _sheet(scope)
    if found is not None:
        found.obj, found.view_obj = found.obj[0], None
    return found


def _step(scope: str) -> Target | None:
    """A record's pending workflow step: `records.workflow.act` judges the open workflow (no
    open workflow: nobody may act), visibility is judged on the record."""
    record = demo.record(scope)
    if record is None:
        return None
    workflow = record.workflows.filter(is_open=True).first()
    return Target({"pk": record.pk}, workflow, view_obj=record)


def _step_act(scope: str) -> Target | None:
    found = _step(scope)
    if found is not None:
        found.kwargs["action"] = "duyet"
    return found


def _oversee(scope: str) -> Target:
    unit = demo.school(scope)
    return Target({}, unit, query=f"unit={unit.pk}")


def _windows_gate(user: Any) -> bool:
    schools = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True)
    return any(can(user, "grading.window.manage", school) for school in schools)


def _assignment_school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _assignment_grade(scope: str) -> Target | None:
    school = demo.school(scope)
    first = Unit.objects.filter(kind=UnitKind.LOP, school=school).order_by("grade").first()
    if first is None or first.grade is None:
        return None
    return Target({"pk": school.pk, "grade": first.grade}, school)


def _subjects_of_grade(query_name: str) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        found = _assignment_grade(scope)
        if found is not None:
            found.query = f"{query_name}={found.kwargs.pop('grade')}"
        return found

    return target


def _so_unit(scope: str) -> Target:
    unit = Unit.objects.get(kind=UnitKind.SO)
    return Target({"pk": unit.pk}, unit)


def _child(scope: str) -> Target:
    obj = demo.student(scope)
    return Target({"student_id": obj.pk}, obj)


def _proposal(scope: str) -> Any:
    """A destruction proposal of the scope's school (hoso/retention/demo.py: th1 and th2)."""
    from hoso.retention.models import DestructionProposal

    return DestructionProposal.objects.filter(school=demo.school(scope)).order_by("pk").first()


def _sets_chains(user: Any) -> bool:
    from hoso.records.selectors import chain_units

    return bool(chain_units(user))


def _chain_of_school(scope: str) -> Target | None:
    """A school's chain for the first record type that applies to it."""
    from hoso.records.selectors import chain_types

    school = demo.school(scope)
    types = chain_types(school)
    return Target({"unit_id": school.pk, "type_id": types[0].pk}, school) if types else None


def _manages_providers(user: Any) -> bool:
    from hoso.signing.remote.selectors import units_managed

    return units_managed(user).exists()


def _provider(_scope: str) -> Target:
    """The Sở's provider: one for every scope (providers belong to the Sở, not a school)."""
    provider = demo.remote_provider()
    return Target({"pk": provider.pk}, provider.unit)


def _record_type(scope: str) -> Target | None:
    from hoso.records.models import RecordType

    record_type = RecordType.objects.filter(code="TT28.KHBD").first()
    return None if record_type is None else Target({"pk": record_type.pk}, record_type)


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


IMPORT_KIND = {"kind": "staff"}
RECORD = "records.record.view"
REMOTE = "signing_remote.request.view"
CHAIN_SET = "records.chain.set"
CLASS = "grading.class.view"

ROUTES: dict[str, Route] = {
    # --- foundation: core, accounts, org, audit -------------------------------------------
    "home": Route(LOGIN),
    "healthz": Route(PUBLIC),
    "api-schema": Route(PUBLIC),
    "api-token": Route(PUBLIC, methods=("POST",)),
    "api-me": Route(LOGIN),
    "api-units": Route(LOGIN, action="org.unit.view", list_model=Unit),
    "api-people": Route(LOGIN, action="org.staff.view", list_model=Staff),
    "api-person": Route(OBJECT, action="org.staff.view", targets=_staff),
    "api-students": Route(LOGIN, action="org.student.view", list_model=Student),
    "api-student": Route(OBJECT, action="org.student.view", targets=_student),
    "api-import": Route(GATE, allowed=_any_school_managed, methods=("POST",), kwargs=IMPORT_KIND),
    "api-import-template": Route(GATE, allowed=_any_school_managed, kwargs=IMPORT_KIND),
    "my-account": Route(LOGIN),
    "my-api-token": Route(LOGIN, methods=("POST",)),
    "units": Route(LOGIN),
    "staff-list": Route(LOGIN),
    "student-list": Route(OBJECT, action="org.unit.view", targets=_class_filter),
    "import": Route(GATE, allowed=_any_school_managed),
    "import-template": Route(GATE, allowed=_any_school_managed, kwargs=IMPORT_KIND),
    "audit-log": Route(GATE, allowed=_can("audit.log.open")),
    # --- records -------------------------------------------------------------------------
    "records:mine": Route(LOGIN),
    "records:upload": Route(LOGIN),
    # The period list of one record type (htmx): for those who keep records of that type.
    "records:upload-periods": Route(
        GATE, allowed=lambda user: _uploads(user, "TT28.KHBD"), query="record_type=TT28.KHBD"
    ),
    "records:catalogue": Route(LOGIN),
    "records:chains": Route(GATE, allowed=_sets_chains),
    "records:chain-edit": Route(
        OBJECT, action=CHAIN_SET, targets=_chain_of_school, methods=("GET", "POST")
    ),
    "records:review-queue": Route(LOGIN),
    "records:signing-queue": Route(LOGIN),
    "records:notifications": Route(LOGIN),
    "records:search": Route(LOGIN),
    "records:completion": Route(OBJECT, action="records.unit.oversee", targets=_oversee),
    "records:completion-export": Route(OBJECT, action="records.unit.oversee", targets=_oversee),
    "records:due-items": Route(OBJECT, action="records.unit.oversee", targets=_oversee),
    "records:extend": Route(
        OBJECT,
        action="records.due.extend",
        view_action="records.due.view",
        targets=_object(demo.due_item),
        methods=("POST",),
    ),
    "records:detail": Route(OBJECT, action=RECORD, targets=_object(demo.record)),
    "records:new-version": Route(
        OBJECT,
        action="records.record.edit",
        view_action=RECORD,
        targets=_object(demo.record),
        methods=("POST",),
    ),
    "records:act": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step_act,
        methods=("POST",),
    ),
    "records:delete": Route(
        OBJECT,
        action="records.record.delete",
        view_action=RECORD,
        targets=_object(demo.record),
        methods=("POST",),
    ),
    "records:version-file": Route(OBJECT, action=RECORD, targets=_version_file("original")),
    "records:version-progress": Route(OBJECT, action=RECORD, targets=_version),
    "api-record-types": Route(LOGIN),
    "api-signing-chains": Route(GATE, allowed=_sets_chains),
    "api-signing-chain": Route(
        OBJECT, action=CHAIN_SET, targets=_chain_of_school, methods=("GET", "PUT", "DELETE")
    ),
    "api-records": Route(LOGIN, action=RECORD, list_model="records.Record"),
    "api-record": Route(
        OBJECT,
        action=RECORD,
        write_action="records.record.delete",
        targets=_object(demo.record),
        methods=("GET", "DELETE"),
    ),
    "api-record-versions": Route(OBJECT, action=RECORD, targets=_object(demo.record)),
    "api-record-version-file": Route(OBJECT, action=RECORD, targets=_version),
    "api-record-version-pdf": Route(OBJECT, action=RECORD, targets=_version),
    "api-record-submit": Route(
        OBJECT,
        action="records.record.edit",
        view_action=RECORD,
        targets=_object(demo.record),
        methods=("POST",),
    ),
    "api-record-approve": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-and-submit": Route(
        OBJECT,
        action="records.record.edit",
        view_action=RECORD,
        targets=_object(demo.record),
        methods=("POST",),
    ),
    "api-record-withdraw": Route(
        OBJECT,
        action="records.record.edit",
        view_action=RECORD,
        targets=_object(demo.record),
        methods=("POST",),
    ),
    "api-record-return": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-due-items": Route(LOGIN),
    "api-due-item-extend": Route(
        OBJECT,
        action="records.due.extend",
        view_action="records.due.view",
        targets=_object(demo.due_item),
        methods=("POST",),
    ),
    "api-completion": Route(OBJECT, action="records.unit.oversee", targets=_oversee),
    # --- signing ---------------------------------------------------------------------------
    "signing:sign-queue": Route(LOGIN),
    "signing:seal-queue": Route(LOGIN),
    "signing:batch-start": Route(LOGIN, methods=("POST",)),
    "signing:certificates": Route(LOGIN),
    "signing:validate": Route(LOGIN),
    "signing:sign": Route(
        OBJECT, action="records.workflow.act", view_action=RECORD, targets=_step, methods=("POST",)
    ),
    "signing:batch": Route(OBJECT, action="signing.batch.view", targets=_object(demo.batch)),
    "signing:batch-progress": Route(
        OBJECT, action="signing.batch.view", targets=_object(demo.batch)
    ),
    "signing:record-signatures": Route(OBJECT, action=RECORD, targets=_object(demo.record)),
    "signing:remote-start": Route(LOGIN, methods=("POST",)),
    "signing:providers": Route(GATE, allowed=_manages_providers, methods=("GET", "POST")),
    "signing:provider": Route(
        OBJECT, action="signing_remote.provider.manage", targets=_provider, methods=("GET", "POST")
    ),
    "signing:credential-link": Route(LOGIN, methods=("POST",)),
    "signing:seal-credential-link": Route(LOGIN, methods=("POST",)),
    "signing:remote": Route(OBJECT, action=REMOTE, targets=_object(demo.remote_request)),
    "signing:remote-progress": Route(OBJECT, action=REMOTE, targets=_object(demo.remote_request)),
    "signing:remote-cancel": Route(
        OBJECT, action=REMOTE, targets=_object(demo.remote_request), methods=("POST",)
    ),
    "api-record-sign": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-prepare": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-complete": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-record-seal": Route(
        OBJECT,
        action="records.workflow.act",
        view_action=RECORD,
        targets=_step,
        methods=("POST",),
    ),
    "api-record-signatures": Route(OBJECT, action=RECORD, targets=_object(demo.record)),
    "api-signatures-validate": Route(LOGIN, methods=("POST",)),
    "api-signing-certificates": Route(LOGIN),
    "api-signing-batches": Route(LOGIN, methods=("POST",)),
    "api-signing-usb-batches": Route(LOGIN, methods=("POST",)),
    "api-signing-batch": Route(OBJECT, action="signing.batch.view", targets=_object(demo.batch)),
    "api-signing-remote": Route(LOGIN, methods=("POST",)),
    "api-signing-remote-providers": Route(
        GATE, allowed=_manages_providers, methods=("GET", "POST")
    ),
    "api-signing-remote-provider": Route(
        OBJECT, action="signing_remote.provider.manage", targets=_provider, methods=("GET", "PATCH")
    ),
    "api-signing-remote-provider-test": Route(
        OBJECT, action="signing_remote.provider.manage", targets=_provider, methods=("POST",)
    ),
    "api-signing-remote-request": Route(
        OBJECT, action=REMOTE, targets=_object(demo.remote_request)
    ),
    "api-signing-remote-cancel": Route(
        OBJECT, action=REMOTE, targets=_object(demo.remote_request), methods=("POST",)
    ),
    # --- retention and destruction ---------------------------------------------------------
    "retention:list": Route(LOGIN),
    "retention:detail": Route(OBJECT, action="retention.proposal.view", targets=_object(_proposal)),
    "retention:approve": Route(
        OBJECT,
        action="retention.proposal.decide",
        view_action="retention.proposal.view",
        targets=_object(_proposal),
        methods=("POST",),
    ),
    "retention:refuse": Route(
        OBJECT,
        action="retention.proposal.decide",
        view_action="retention.proposal.view",
        targets=_object(_proposal),
        methods=("POST",),
    ),
    "retention:periods": Route(LOGIN),
    "retention:period-set": Route(
        OBJECT,
        action="retention.period.manage",
        view_action="records.type.view",
        targets=_record_type,
        methods=("POST",),
    ),
    "retention:record-panel": Route(OBJECT, action=RECORD, targets=_object(demo.record)),
    "api-retention-proposals": Route(
        LOGIN, action="retention.proposal.view", list_model="retention.DestructionProposal"
    ),
    "api-retention-proposal": Route(
        OBJECT, action="retention.proposal.view", targets=_object(_proposal)
    ),
    "api-retention-approve": Route(
        OBJECT,
        action="retention.proposal.decide",
        view_action="retention.proposal.view",
        targets=_object(_proposal),
        methods=("POST",),
    ),
    "api-retention-refuse": Route(
        OBJECT,
        action="retention.proposal.decide",
        view_action="retention.proposal.view",
        targets=_object(_proposal),
        methods=("POST",),
    ),
    "api-retention-period": Route(
        OBJECT,
        action="retention.period.manage",
        view_action="records.type.view",
        targets=_record_type,
        methods=("POST",),
    ),
    # --- offices: directives down ----------------------------------------------------------
    "offices:directives": Route(LOGIN),
    "offices:directive-new": Route(
        GATE, allowed=_can("offices.office.act"), methods=("GET", "POST")
    ),
    "offices:directive": Route(
        OBJECT, action="offices.directive.view", targets=_object(_directive)
    ),
    "offices:directive-export": Route(
        OBJECT, action="offices.directive.view", targets=_object(_directive)
    ),
    "offices:directive-remind": Route(
        OBJECT,
        action="offices.directive.manage",
        view_action="offices.directive.view",
        targets=_object(_directive),
        methods=("POST",),
    ),
    "offices:inbox": Route(LOGIN),
    "offices:inbox-item": Route(
        OBJECT, action="offices.recipient.view", targets=_object(_inbox_row)
    ),
    "offices:inbox-file": Route(
        OBJECT, action="offices.recipient.view", targets=_object(_inbox_row)
    ),
    "offices:inbox-answer": Route(
        OBJECT,
        action="offices.recipient.answer",
        view_action="offices.recipient.view",
        targets=_object(_inbox_row),
        methods=("POST",),
    ),
    "api-offices-directives": Route(
        LOGIN,
        action="offices.directive.view",
        list_model="offices.Directive",
        methods=("GET", "POST"),
    ),
    "api-offices-directive": Route(
        OBJECT, action="offices.directive.view", targets=_object(_directive)
    ),
    "api-offices-directive-status": Route(
        OBJECT, action="offices.directive.view", targets=_object(_directive)
    ),
    "api-offices-directive-remind": Route(
        OBJECT,
        action="offices.directive.manage",
        view_action="offices.directive.view",
        targets=_object(_directive),
        methods=("POST",),
    ),
    "api-offices-inbox": Route(
        LOGIN, action="offices.recipient.view", list_model="offices.DirectiveRecipient"
    ),
    "api-offices-inbox-item": Route(
        OBJECT, action="offices.recipient.view", targets=_object(_inbox_row)
    ),
    "api-offices-inbox-answer": Route(
        OBJECT,
        action="offices.recipient.answer",
        view_action="offices.recipient.view",
        targets=_object(_inbox_row),
        methods=("POST",),
    ),
    # --- offices: reports up ---------------------------------------------------------------
    "offices:reports": Route(LOGIN),
    "offices:reports-due": Route(LOGIN),
    "offices:report-new": Route(GATE, allowed=_can("offices.office.act"), methods=("GET", "POST")),
    "offices:report": Route(OBJECT, action="offices.report.view", targets=_object(_report)),
    "offices:report-template": Route(
        OBJECT, action="offices.report.view", targets=_object(_report)
    ),
    "offices:report-sum": Route(OBJECT, action="offices.report.view", targets=_object(_report)),
    "offices:report-unit": Route(
        OBJECT,
        action="offices.assignment.view",
        targets=_object(_report_unit),
        methods=("GET", "POST"),
        write_action="offices.assignment.submit",
    ),
    "offices:report-unit-file": Route(
        OBJECT, action="offices.assignment.view", targets=_object(_report_unit)
    ),
    "offices:report-unit-template": Route(
        OBJECT, action="offices.assignment.view", targets=_object(_report_unit)
    ),
    "offices:report-unit-return": Route(
        OBJECT,
        action="offices.assignment.return",
        view_action="offices.assignment.view",
        targets=_object(_report_unit),
        methods=("POST",),
    ),
    "api-offices-reports": Route(
        LOGIN,
        action="offices.report.view",
        list_model="offices.ReportRequest",
        methods=("GET", "POST"),
    ),
    "api-offices-report": Route(OBJECT, action="offices.report.view", targets=_object(_report)),
    "api-offices-report-status": Route(
        OBJECT, action="offices.report.view", targets=_object(_report)
    ),
    "api-offices-report-units": Route(
        OBJECT, action="offices.report.view", targets=_object(_report)
    ),
    "api-offices-unit-reports": Route(
        LOGIN, action="offices.assignment.view", list_model="offices.ReportAssignment"
    ),
    "api-offices-unit-report": Route(
        OBJECT, action="offices.assignment.view", targets=_object(_report_unit)
    ),
    "api-offices-unit-report-submit": Route(
        OBJECT,
        action="offices.assignment.submit",
        view_action="offices.assignment.view",
        targets=_object(_report_unit),
        methods=("POST",),
    ),
    "api-offices-unit-report-return": Route(
        OBJECT,
        action="offices.assignment.return",
        view_action="offices.assignment.view",
        targets=_object(_report_unit),
        methods=("POST",),
    ),
    # --- offices: inspections and gradebook progress ---------------------------------------
    "offices:inspections": Route(LOGIN),
    "offices:inspection-new": Route(
        GATE, allowed=_can("offices.office.act"), methods=("GET", "POST")
    ),
    "offices:inspection": Route(
        OBJECT, action="offices.inspection.view", targets=_object(_inspection)
    ),
    "offices:inspection-finding": Route(
        OBJECT,
        action="offices.inspection.work",
        view_action="offices.inspection.view",
        targets=_object(_inspection),
        methods=("POST",),
    ),
    "offices:inspection-minutes": Route(
        OBJECT,
        action="offices.inspection.work",
        view_action="offices.inspection.view",
        targets=_object(_inspection),
        methods=("POST",),
    ),
    "offices:inspection-send": Route(
        OBJECT,
        action="offices.inspection.work",
        view_action="offices.inspection.view",
        targets=_object(_inspection),
        methods=("POST",),
    ),
    "offices:progress": Route(OBJECT, action="offices.progress.view", targets=_progress_school),
    # --- offices: operations dashboard -----------------------------------------------------
    "offices:dashboard": Route(GATE, allowed=_oversees_any),
    "offices:dashboard-export": Route(GATE, allowed=_oversees_any),
    # --- grading ---------------------------------------------------------------------------
    "grading:classes": Route(LOGIN),
    "grading:class": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "grading:grid": Route(OBJECT, action=CLASS, targets=_class_of_sheet),
    "grading:grid-save": Route(
        OBJECT, action="grading.sheet.enter", view_action=CLASS, targets=_sheet, methods=("POST",)
    ),
    "grading:correction-new": Route(
        OBJECT, action="grading.sheet.enter", view_action=CLASS, targets=_sheet, methods=("POST",)
    ),
    "grading:publish": Route(
        OBJECT,
        action="grading.results.publish",
        view_action=CLASS,
        targets=_object(demo.school_class),
        methods=("POST",),
    ),
    "grading:summary-xlsx": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "grading:summary-pdf": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "grading:class-hocba": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "grading:class-hocba-zip": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "grading:class-hocba-sign": Route(
        OBJECT, action=CLASS, targets=_object(demo.school_class), methods=("POST",)
    ),
    "grading:hocba-batch": Route(
        OBJECT, action="grading.hocba.batch.view", targets=_object(demo.hocba_batch)
    ),
    "grading:hocba-batch-progress": Route(
        OBJECT, action="grading.hocba.batch.view", targets=_object(demo.hocba_batch)
    ),
    "grading:hocba": Route(OBJECT, action="grading.hocba.view", targets=_object(demo.hocba)),
    "books:class-missing": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "books:index": Route(LOGIN),
    "books:school": Route(OBJECT, action="books.school.generate", targets=_object(demo.school)),
    "books:school-issue": Route(
        OBJECT, action="books.school.generate", targets=_object(demo.school), methods=("POST",)
    ),
    "books:batch-start": Route(
        OBJECT, action="books.school.generate", targets=_object(demo.school), methods=("POST",)
    ),
    "books:batch": Route(OBJECT, action="books.batch.view", targets=_object(demo.book_batch)),
    "books:batch-progress": Route(
        OBJECT, action="books.batch.view", targets=_object(demo.book_batch)
    ),
    "books:class": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "books:class-issue": Route(
        OBJECT,
        action="books.class.generate",
        view_action=CLASS,
        targets=_object(demo.school_class),
        methods=("POST",),
    ),
    "books:student-fill": Route(
        OBJECT, action="books.student.fill", targets=_student, methods=("GET", "POST")
    ),
    "grading:hocba-pdf": Route(OBJECT, action="grading.hocba.view", targets=_object(demo.hocba)),
    "grading:hocba-xml": Route(OBJECT, action="grading.hocba.view", targets=_object(demo.hocba)),
    "grading:hocba-sign": Route(
        OBJECT,
        action="grading.hocba.sign",
        view_action="grading.hocba.view",
        targets=_object(demo.hocba),
        methods=("POST",),
    ),
    "grading:hocba-correct": Route(
        OBJECT,
        action="grading.hocba.correct",
        view_action="grading.hocba.view",
        targets=_object(demo.hocba),
        methods=("POST",),
    ),
    "grading:corrections": Route(LOGIN),
    "grading:correction-decide": Route(
        OBJECT,
        action="grading.correction.decide",
        view_action="grading.correction.view",
        targets=_object(demo.correction),
        methods=("POST",),
    ),
    "grading:windows": Route(GATE, allowed=_windows_gate),
    "grading:window-close": Route(
        OBJECT, action="grading.window.manage", targets=_object(demo.window), methods=("POST",)
    ),
    "grading:assignments": Route(
        GATE, allowed=lambda user: bool(grading_selectors.managed_schools(user))
    ),
    "grading:assignment-school": Route(
        OBJECT, action="grading.assignment.manage", targets=_assignment_school
    ),
    "grading:assignment-grid": Route(
        OBJECT, action="grading.assignment.manage", targets=_assignment_grade
    ),
    "grading:assignment-export": Route(
        OBJECT, action="grading.assignment.manage", targets=_assignment_school
    ),
    "grading:assignment-import": Route(
        OBJECT, action="grading.assignment.manage", targets=_assignment_school, methods=("POST",)
    ),
    "grading:school-subjects": Route(
        OBJECT, action="grading.assignment.manage", targets=_subjects_of_grade("khoi")
    ),
    "grading:rules-config": Route(
        GATE, allowed=lambda user: bool(grading_selectors.config_units(user))
    ),
    "api-grading-assignments": Route(
        OBJECT, action="grading.assignment.manage", targets=_assignment_school
    ),
    "api-grading-subjects": Route(
        OBJECT, action="grading.assignment.manage", targets=_subjects_of_grade("grade")
    ),
    "api-grading-config": Route(LOGIN),
    "api-grading-my-sheets": Route(LOGIN),
    "api-grading-config-assign": Route(
        OBJECT, action="grading.config.manage", targets=_so_unit, methods=("POST",)
    ),
    "grading:my-children": Route(LOGIN),
    "grading:child-results": Route(OBJECT, action="grading.student.results", targets=_child),
    "api-grading-classes": Route(LOGIN),
    "api-gradebook": Route(OBJECT, action=CLASS, targets=_object(demo.school_class)),
    "api-entries": Route(OBJECT, action=CLASS, targets=_class_of_sheet),
    "api-windows": Route(LOGIN),
    "api-window-close": Route(
        OBJECT, action="grading.window.manage", targets=_object(demo.window), methods=("POST",)
    ),
    "api-corrections": Route(LOGIN),
    "api-correction-decide": Route(
        OBJECT,
        action="grading.correction.decide",
        view_action="grading.correction.view",
        targets=_object(demo.correction, decision="approve"),
        methods=("POST",),
    ),
    "api-student-results": Route(OBJECT, action="grading.student.results", targets=_student),
    # --- allauth (sign-in, password, 2FA): allauth's own views --------------------------------
    "account_login": Route(PUBLIC),
    "account_logout": Route(LOGIN, methods=("GET", "POST")),
    "account_inactive": Route(PUBLIC),
    "account_signup": Route(PUBLIC),  # closed: the adapter refuses sign-up
    "account_reauthenticate": Route(SELF),
    "account_email": Route(SELF),
    "account_email_verification_sent": Route(PUBLIC),
    "account_change_password": Route(SELF),
    "account_set_password": Route(SELF),
    "account_reset_password": Route(PUBLIC),
    "account_reset_password_done": Route(PUBLIC),
    "account_reset_password_from_key_done": Route(PUBLIC),
    "account_confirm_login_code": Route(PUBLIC),
    "account_confirm_email": Route(SKIP, reason="one-time e-mail key; e-mail is not verified"),
    "account_reset_password_from_key": Route(SKIP, reason="one-time password-reset key"),
    "mfa_index": Route(SELF),
    "mfa_authenticate": Route(PUBLIC),
    "mfa_reauthenticate": Route(SELF),
    "mfa_activate_totp": Route(SELF),
    "mfa_deactivate_totp": Route(SELF),
    "mfa_view_recovery_codes": Route(SELF),
    "mfa_generate_recovery_codes": Route(SELF),
    "mfa_download_recovery_codes": Route(SELF),
}

# The library's entries live beside this file (hoso/library is large enough for its own list).
from tests.security.routes_library import LIBRARY_ROUTES  # noqa: E402

ROUTES.update(LIBRARY_ROUTES)

# Downloads that are deliberately shown in the browser (path → why). Everything else that is
# not a page or JSON must be served as an attachment.
KNOWN_INLINE: dict[str, str] = {}

# Downloads that do not (yet) write an audit entry: name → why. Import templates are blank
# forms, not data; recovery codes are the person's own secret.
KNOWN_UNLOGGED: dict[str, str] = {
    "import-template": "blank import template, no personal data",
    "library:excel-template": "blank import template, no data",
    "api-import-template": "blank import template, no personal data",
    "mfa_download_recovery_codes": "the person's own recovery codes",
}

# Django's admin (namespace "admin") is checked as a whole: staff only, everyone else is sent
# to the admin login page; object ids come from the demo data.
ADMIN_NAMESPACE = "admin"


def audit_count() -> int:
    return AuditEntry.objects.count()
