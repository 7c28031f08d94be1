"""The route registry of the every-URL authorization test.

EVERY named URL pattern must have an entry here: the test walks the resolver, and a route
without an entry fails it with a message saying to add one. An entry says how the route is
governed and, for GATE and OBJECT routes, who should get in, written down as data
(tests/security/expect.py): the test compares the HTTP answers with these expectations and
never asks the policy, so a wrong rule in the policy fails the test.

- PUBLIC: anyone, also anonymous (login page, health check, API schema).
- SELF: the person's own account pages (allauth): anonymous goes to the login page; a
  signed-in person may get 404 where there is nothing of theirs (no authenticator yet).
- LOGIN: any signed-in person; what they see is filtered by a selector (lists). API lists are
  also checked: every id returned must be in `visible(user, action, model)` (the one place the
  test still asks the policy: which ids of a whole table a person may see is not written here).
- GATE: a page for some people only; `expect` is the set of demo accounts it answers; everyone
  else gets 404.
- OBJECT: a route about one object; for each scope (own / same school / other school / other
  district) `targets` builds the URL arguments, and `expect[scope]` is the accounts it answers
  (200 or a redirect); `sees[scope]` (default: `expect`) the accounts who may see the object,
  refused with 403 or 404; everyone else must get 404, the same as missing. `write_expect`:
  who may use the methods other than GET, when they are not the same people.
- SKIP: not reachable with demo data (one-time keys); `reason` says why.

`action` names the policy action that governs the route, for the reader and the failure
messages. `methods`: what the route accepts. For POST-only routes the test only checks refusals
(a denied POST must be a 4xx and write nothing to the audit log); GET routes are checked both
ways.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from hoso.audit.models import AuditEntry
from hoso.org.models import Staff, Student, Unit
from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import (
    ADMIN,
    CLASS_READERS,
    EVERY_STAFF,
    GV,
    GV_OWN_ONLY,
    HT,
    LEADERS_ONLY,
    NOBODY,
    OFFICES,
    PHT,
    PRINCIPAL_ALONE,
    SCHOOL_READERS,
    SCHOOL_WIDE,
    SO,
    TTCM,
    VT,
    Scopes,
    everywhere,
    th1_and_above,
)

PUBLIC, LOGIN, SELF, GATE, OBJECT, SKIP = "public", "login", "self", "gate", "object", "skip"


@dataclass(frozen=True)
class Route:
    kind: str
    expect: Scopes | AbstractSet[str] | None = None  # GATE: accounts; OBJECT: accounts per scope
    sees: Scopes | None = None  # OBJECT: who may see the object when refused (else 404)
    write_expect: Scopes | None = None  # the methods other than GET, when they differ
    action: str = ""  # the policy action that governs the route (documentation; LOGIN lists)
    targets: Callable[[str], Target | None] | None = None
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict[str, Any] = field(default_factory=dict)
    list_model: Any = None  # API lists: model whose visible ids bound the response
    reason: str = ""
    query: str = ""


def _staff(scope: str) -> Target:
    obj = demo.staff(scope)
    return Target({"pk": obj.pk}, obj)


def student_target(scope: str) -> Target:
    obj = demo.student(scope)
    return Target({"pk": obj.pk}, obj)


def _class_filter(scope: str) -> Target:
    obj = demo.school_class(scope)
    return Target({}, obj, query=f"lop={obj.pk}")


def by_pk(build: Callable[[str], Any], **extra: Any) -> Callable[[str], Target | None]:
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


EVIDENCE_VIEW = "records.evidence.view"
# Tag a version: the record's owner (the reference teacher's own record) and the school's HT,
# PHT and văn thư; not the offices, not the administrator.
EVIDENCE_TAGGERS = Scopes(own=frozenset({GV, HT, PHT, VT}), same_school=frozenset({HT, PHT, VT}))


def _evidence_school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _step(scope: str) -> Target | None:
    """A record's pending workflow step (`records.workflow.act` is about the open workflow; the
    demo records of the four scopes have none, so nobody may act and every POST is refused:
    404 for who may not see the record)."""
    record = demo.record(scope)
    if record is None:
        return None
    workflow = record.workflows.filter(is_open=True).first()
    return Target({"pk": record.pk}, workflow)


def _step_act(scope: str) -> Target | None:
    found = _step(scope)
    if found is not None:
        found.kwargs["action"] = "duyet"
    return found


def _oversee(scope: str) -> Target:
    unit = demo.school(scope)
    return Target({}, unit, query=f"unit={unit.pk}")


def _proposal(scope: str) -> Any:
    """A destruction proposal of the scope's school (hoso/retention/demo.py: th1 and th2)."""
    from hoso.retention.models import DestructionProposal

    return DestructionProposal.objects.filter(school=demo.school(scope)).order_by("pk").first()


def _chain_of_school(scope: str) -> Target | None:
    """A school's chain for the first record type that applies to it."""
    from hoso.records.selectors_chains import chain_types

    school = demo.school(scope)
    types = chain_types(school)
    return Target({"unit_id": school.pk, "type_id": types[0].pk}, school) if types else None


def _provider(_scope: str) -> Target:
    """The Sở's provider: one for every scope (providers belong to the Sở, not a school)."""
    provider = demo.remote_provider()
    return Target({"pk": provider.pk}, provider.unit)


def _record_type(scope: str) -> Target | None:
    from hoso.records.models import RecordType

    record_type = RecordType.objects.filter(code="TT28.KHBD").first()
    return None if record_type is None else Target({"pk": record_type.pk}, record_type)


IMPORT_KIND = {"kind": "staff"}


def _csdl_export(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"layout_id": "hoc-sinh-2024"}, school, query=f"don_vi={school.pk}")


RECORD = "records.record.view"
REMOTE = "signing_remote.request.view"
CHAIN_SET = "records.chain.set"
ROUTES: dict[str, Route] = {
    # --- foundation: core, accounts, org, audit -------------------------------------------
    "home": Route(LOGIN),
    "healthz": Route(PUBLIC),
    "set_language": Route(PUBLIC, methods=("POST",)),  # the language switch in the footer
    "javascript-catalog": Route(PUBLIC, kwargs={"language": "en"}),
    "api-schema": Route(PUBLIC),
    "api-token": Route(PUBLIC, methods=("POST",)),
    "api-me": Route(LOGIN),
    "api-units": Route(LOGIN, action="org.unit.view", list_model=Unit),
    "api-people": Route(LOGIN, action="org.staff.view", list_model=Staff),
    "api-person": Route(OBJECT, expect=SCHOOL_WIDE, action="org.staff.view", targets=_staff),
    "api-students": Route(LOGIN, action="org.student.view", list_model=Student),
    "api-student": Route(
        OBJECT, expect=SCHOOL_WIDE, action="org.student.view", targets=student_target
    ),
    "api-import": Route(GATE, expect={HT, VT, ADMIN}, methods=("POST",), kwargs=IMPORT_KIND),
    "api-import-template": Route(GATE, expect={HT, VT, ADMIN}, kwargs=IMPORT_KIND),
    # CSDL ngành exchange (hoso/org/csdl/): the school's HT and VT import; they and the offices
    # above export (the offices without the số định danh).
    "api-csdl-preview": Route(GATE, expect={HT, VT, ADMIN}, methods=("POST",)),
    "api-csdl-confirm": Route(GATE, expect={HT, VT, ADMIN}, methods=("POST",)),
    "api-csdl-export": Route(
        OBJECT, expect=th1_and_above({HT, VT}), action="org.csdl.export", targets=_csdl_export
    ),
    "csdl": Route(GATE, expect={HT, VT, ADMIN} | OFFICES),
    "csdl-export": Route(
        OBJECT, expect=th1_and_above({HT, VT}), action="org.csdl.export", targets=_csdl_export
    ),
    "my-account": Route(LOGIN),
    "my-api-token": Route(LOGIN, methods=("POST",)),
    "units": Route(LOGIN),
    "staff-list": Route(LOGIN),
    "student-list": Route(
        OBJECT, expect=SCHOOL_WIDE, action="org.unit.view", targets=_class_filter
    ),
    "import": Route(GATE, expect={HT, VT, ADMIN}),
    "import-template": Route(GATE, expect={HT, VT, ADMIN}, kwargs=IMPORT_KIND),
    "audit-log": Route(GATE, expect={HT, ADMIN}),
    # --- records -------------------------------------------------------------------------
    "records:mine": Route(LOGIN),
    "records:upload": Route(LOGIN),
    # The period list of one record type (htmx): for those who keep records of that type.
    "records:upload-periods": Route(GATE, expect={GV, TTCM, PHT}, query="record_type=TT28.KHBD"),
    "records:catalogue": Route(LOGIN),
    "records:chains": Route(GATE, expect=OFFICES | {HT, ADMIN}),
    "records:chain-edit": Route(
        OBJECT,
        expect=th1_and_above({HT}, offices=False),
        action=CHAIN_SET,
        targets=_chain_of_school,
        methods=("GET", "POST"),
    ),
    "records:review-queue": Route(LOGIN),
    "records:signing-queue": Route(LOGIN),
    "records:notifications": Route(LOGIN),
    "records:search": Route(LOGIN),
    "records:completion": Route(
        OBJECT, expect=SCHOOL_READERS, action="records.unit.oversee", targets=_oversee
    ),
    "records:completion-export": Route(
        OBJECT, expect=SCHOOL_READERS, action="records.unit.oversee", targets=_oversee
    ),
    "records:due-items": Route(
        OBJECT, expect=SCHOOL_READERS, action="records.unit.oversee", targets=_oversee
    ),
    "records:extend": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        sees=CLASS_READERS,
        action="records.due.extend",
        targets=by_pk(demo.due_item),
        methods=("POST",),
    ),
    "records:detail": Route(OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=by_pk(demo.record)),
    "records:new-version": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=SCHOOL_WIDE,
        action="records.record.edit",
        targets=by_pk(demo.record),
        methods=("POST",),
    ),
    "records:act": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step_act,
        methods=("POST",),
    ),
    "records:delete": Route(
        OBJECT,
        expect=th1_and_above({HT, VT}, offices=False),
        sees=SCHOOL_WIDE,
        action="records.record.delete",
        targets=by_pk(demo.record),
        methods=("POST",),
    ),
    "records:version-file": Route(
        OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=_version_file("original")
    ),
    "records:version-progress": Route(OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=_version),
    # Evidence for accreditation (hoso/records/evidence): a school's page and exports for its
    # HT, PHT, văn thư and the offices above; tagging by the record's owner and those three.
    "records:evidence-home": Route(LOGIN),
    "records:evidence": Route(
        OBJECT, expect=SCHOOL_READERS, action=EVIDENCE_VIEW, targets=_evidence_school
    ),
    "records:evidence-xlsx": Route(
        OBJECT, expect=SCHOOL_READERS, action=EVIDENCE_VIEW, targets=_evidence_school
    ),
    "records:evidence-zip": Route(
        OBJECT, expect=SCHOOL_READERS, action=EVIDENCE_VIEW, targets=_evidence_school
    ),
    "records:evidence-tag": Route(
        OBJECT,
        expect=EVIDENCE_TAGGERS,
        sees=SCHOOL_WIDE,
        action="records.evidence.tag",
        targets=_version,
        methods=("POST",),
    ),
    "api-evidence-criteria": Route(LOGIN),
    "api-evidence-school": Route(
        OBJECT, expect=SCHOOL_READERS, action=EVIDENCE_VIEW, targets=_evidence_school
    ),
    "api-record-version-evidence": Route(
        OBJECT,
        expect=SCHOOL_WIDE,
        write_expect=EVIDENCE_TAGGERS,
        action=RECORD,
        targets=_version,
        methods=("GET", "POST", "PUT", "DELETE"),
    ),
    "api-record-types": Route(LOGIN),
    "api-signing-chains": Route(GATE, expect=OFFICES | {HT, ADMIN}),
    "api-signing-chain": Route(
        OBJECT,
        expect=th1_and_above({HT}, offices=False),
        action=CHAIN_SET,
        targets=_chain_of_school,
        methods=("GET", "PUT", "DELETE"),
    ),
    "api-records": Route(LOGIN, action=RECORD, list_model="records.Record"),
    "api-record": Route(
        OBJECT,
        expect=SCHOOL_WIDE,
        write_expect=th1_and_above({HT, VT}, offices=False),
        action=RECORD,
        targets=by_pk(demo.record),
        methods=("GET", "DELETE"),
    ),
    "api-record-versions": Route(
        OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=by_pk(demo.record)
    ),
    "api-record-version-file": Route(OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=_version),
    "api-record-version-pdf": Route(OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=_version),
    "api-record-submit": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=SCHOOL_WIDE,
        action="records.record.edit",
        targets=by_pk(demo.record),
        methods=("POST",),
    ),
    "api-record-approve": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-and-submit": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=SCHOOL_WIDE,
        action="records.record.edit",
        targets=by_pk(demo.record),
        methods=("POST",),
    ),
    "api-record-withdraw": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=SCHOOL_WIDE,
        action="records.record.edit",
        targets=by_pk(demo.record),
        methods=("POST",),
    ),
    "api-record-return": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-due-items": Route(LOGIN),
    "api-due-item-extend": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        sees=CLASS_READERS,
        action="records.due.extend",
        targets=by_pk(demo.due_item),
        methods=("POST",),
    ),
    "api-completion": Route(
        OBJECT, expect=SCHOOL_READERS, action="records.unit.oversee", targets=_oversee
    ),
    # --- signing ---------------------------------------------------------------------------
    "signing:sign-queue": Route(LOGIN),
    "signing:seal-queue": Route(LOGIN),
    "signing:batch-start": Route(LOGIN, methods=("POST",)),
    "signing:certificates": Route(LOGIN),
    "signing:validate": Route(LOGIN),
    "signing:sign": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "signing:batch": Route(
        OBJECT, expect=PRINCIPAL_ALONE, action="signing.batch.view", targets=by_pk(demo.batch)
    ),
    "signing:batch-progress": Route(
        OBJECT, expect=PRINCIPAL_ALONE, action="signing.batch.view", targets=by_pk(demo.batch)
    ),
    "signing:record-signatures": Route(
        OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=by_pk(demo.record)
    ),
    "signing:remote-start": Route(LOGIN, methods=("POST",)),
    "signing:providers": Route(GATE, expect={SO, ADMIN}, methods=("GET", "POST")),
    "signing:provider": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        action="signing_remote.provider.manage",
        targets=_provider,
        methods=("GET", "POST"),
    ),
    "signing:credential-link": Route(LOGIN, methods=("POST",)),
    "signing:seal-credential-link": Route(LOGIN, methods=("POST",)),
    "signing:remote": Route(
        OBJECT, expect=GV_OWN_ONLY, action=REMOTE, targets=by_pk(demo.remote_request)
    ),
    "signing:remote-progress": Route(
        OBJECT, expect=GV_OWN_ONLY, action=REMOTE, targets=by_pk(demo.remote_request)
    ),
    "signing:remote-cancel": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        action=REMOTE,
        targets=by_pk(demo.remote_request),
        methods=("POST",),
    ),
    "api-record-sign": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-prepare": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-record-sign-complete": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-record-seal": Route(
        OBJECT,
        expect=NOBODY,
        sees=SCHOOL_WIDE,
        action="records.workflow.act",
        targets=_step,
        methods=("POST",),
    ),
    "api-record-signatures": Route(
        OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=by_pk(demo.record)
    ),
    "api-signatures-validate": Route(LOGIN, methods=("POST",)),
    "api-signing-certificates": Route(LOGIN),
    "api-signing-batches": Route(LOGIN, methods=("POST",)),
    "api-signing-usb-batches": Route(LOGIN, methods=("POST",)),
    "api-signing-batch": Route(
        OBJECT, expect=PRINCIPAL_ALONE, action="signing.batch.view", targets=by_pk(demo.batch)
    ),
    "api-signing-remote": Route(LOGIN, methods=("POST",)),
    "api-signing-remote-providers": Route(GATE, expect={SO, ADMIN}, methods=("GET", "POST")),
    "api-signing-remote-provider": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        action="signing_remote.provider.manage",
        targets=_provider,
        methods=("GET", "PATCH"),
    ),
    "api-signing-remote-provider-test": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        action="signing_remote.provider.manage",
        targets=_provider,
        methods=("POST",),
    ),
    "api-signing-remote-request": Route(
        OBJECT, expect=GV_OWN_ONLY, action=REMOTE, targets=by_pk(demo.remote_request)
    ),
    "api-signing-remote-cancel": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        action=REMOTE,
        targets=by_pk(demo.remote_request),
        methods=("POST",),
    ),
    # --- retention and destruction ---------------------------------------------------------
    "retention:list": Route(LOGIN),
    "retention:detail": Route(
        OBJECT, expect=SCHOOL_READERS, action="retention.proposal.view", targets=by_pk(_proposal)
    ),
    "retention:approve": Route(
        OBJECT,
        expect=PRINCIPAL_ALONE,
        sees=SCHOOL_READERS,
        action="retention.proposal.decide",
        targets=by_pk(_proposal),
        methods=("POST",),
    ),
    "retention:refuse": Route(
        OBJECT,
        expect=PRINCIPAL_ALONE,
        sees=SCHOOL_READERS,
        action="retention.proposal.decide",
        targets=by_pk(_proposal),
        methods=("POST",),
    ),
    "retention:periods": Route(LOGIN),
    "retention:period-set": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        sees=everywhere(EVERY_STAFF),
        action="retention.period.manage",
        targets=_record_type,
        methods=("POST",),
    ),
    "retention:record-panel": Route(
        OBJECT, expect=SCHOOL_WIDE, action=RECORD, targets=by_pk(demo.record)
    ),
    "api-retention-proposals": Route(
        LOGIN, action="retention.proposal.view", list_model="retention.DestructionProposal"
    ),
    "api-retention-proposal": Route(
        OBJECT, expect=SCHOOL_READERS, action="retention.proposal.view", targets=by_pk(_proposal)
    ),
    "api-retention-approve": Route(
        OBJECT,
        expect=PRINCIPAL_ALONE,
        sees=SCHOOL_READERS,
        action="retention.proposal.decide",
        targets=by_pk(_proposal),
        methods=("POST",),
    ),
    "api-retention-refuse": Route(
        OBJECT,
        expect=PRINCIPAL_ALONE,
        sees=SCHOOL_READERS,
        action="retention.proposal.decide",
        targets=by_pk(_proposal),
        methods=("POST",),
    ),
    "api-retention-period": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        sees=everywhere(EVERY_STAFF),
        action="retention.period.manage",
        targets=_record_type,
        methods=("POST",),
    ),
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
    # Single sign-on (hoso.accounts.sso): the Sở's administrator configures it; allauth's
    # pages of linked accounts are the person's own.
    "sso-settings": Route(
        GATE, expect={ADMIN}, methods=("GET", "POST"), action="accounts.sso.manage"
    ),
    "openid_connect_login": Route(
        SKIP, reason="no province of the demo turns single sign-on on: test_sso.py walks it"
    ),
    "openid_connect_callback": Route(
        SKIP, reason="needs an identity provider's answer: test_sso.py signs in through one"
    ),
    "api-sso-providers": Route(LOGIN, action="accounts.sso.manage"),  # the admin's only
    "api-sso-provider": Route(
        GATE,
        # A province id that does not exist: 404 for everyone (test_sso_api.py has the rest).
        expect=frozenset(),
        methods=("GET", "PUT"),
        kwargs={"province": 999999999, "kind": "microsoft"},
        action="accounts.sso.manage",
    ),
    "socialaccount_login_cancelled": Route(PUBLIC),
    "socialaccount_login_error": Route(
        SKIP, reason="allauth answers its sign-in error page with 401; test_sso.py checks refusals"
    ),
    "socialaccount_signup": Route(PUBLIC),  # closed: sign-in never makes an account
    "socialaccount_connections": Route(SELF, methods=("GET", "POST")),
    "mfa_index": Route(SELF),
    "mfa_authenticate": Route(PUBLIC),
    "mfa_reauthenticate": Route(SELF),
    "mfa_activate_totp": Route(SELF),
    "mfa_deactivate_totp": Route(SELF),
    "mfa_view_recovery_codes": Route(SELF),
    "mfa_generate_recovery_codes": Route(SELF),
    "mfa_download_recovery_codes": Route(SELF),
}

# The offices', grading's (with books), library's, webhooks', school life's and Drive import's
# entries live beside this file.
from tests.security.routes_drive import DRIVE_ROUTES  # noqa: E402
from tests.security.routes_dx import DX_ROUTES  # noqa: E402
from tests.security.routes_families import FAMILIES_ROUTES  # noqa: E402
from tests.security.routes_grading import GRADING_ROUTES  # noqa: E402
from tests.security.routes_library import LIBRARY_ROUTES  # noqa: E402
from tests.security.routes_offices import OFFICES_ROUTES  # noqa: E402
from tests.security.routes_schoollife import SCHOOLLIFE_ROUTES  # noqa: E402
from tests.security.routes_types import TYPES_ROUTES  # noqa: E402
from tests.security.routes_webhooks import WEBHOOKS_ROUTES  # noqa: E402

ROUTES.update(OFFICES_ROUTES)
ROUTES.update(DX_ROUTES)
ROUTES.update(TYPES_ROUTES)
ROUTES.update(GRADING_ROUTES)
ROUTES.update(LIBRARY_ROUTES)
ROUTES.update(WEBHOOKS_ROUTES)
ROUTES.update(SCHOOLLIFE_ROUTES)
ROUTES.update(DRIVE_ROUTES)
ROUTES.update(FAMILIES_ROUTES)

# Downloads that are deliberately shown in the browser (path → why). Everything else that is
# not a page or JSON must be served as an attachment.
KNOWN_INLINE: dict[str, str] = {
    "/jsi18n/en/": "the JavaScript translation catalogue, loaded by every page's <script> tag",
}

# Downloads that do not (yet) write an audit entry: name → why. Import templates are blank
# forms, not data; recovery codes are the person's own secret.
KNOWN_UNLOGGED: dict[str, str] = {
    "import-template": "blank import template, no personal data",
    "library:excel-template": "blank import template, no data",
    "offices:report-seed-template": "blank report template, no data",
    "api-import-template": "blank import template, no personal data",
    "mfa_download_recovery_codes": "the person's own recovery codes",
    "javascript-catalog": "the scripts' translations, the same for everyone, no data",
}

# Django's admin (namespace "admin") is checked as a whole: staff only, everyone else is sent
# to the admin login page; object ids come from the demo data.
ADMIN_NAMESPACE = "admin"


def audit_count() -> int:
    return AuditEntry.objects.count()
