"""Every-URL entries of the library (hoso/library): each scope's school, title, copy, loan.

Scopes as in demo.py: own and same school are th1's first and second objects, other school
thcs1's, other district th2's. A person of one school must get 404 for another school's
library pages and API objects, whatever id they guess."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import (
    ADMIN,
    EVERY_STAFF,
    GV,
    HT,
    LEADERS_TH1,
    LIBRARIAN,
    OFFICES,
    SCHOOL_WIDE,
    SO,
    TH1_STAFF,
    TTCM,
    TV,
    Scopes,
    everywhere,
    th1_and_above,
)
from tests.security.routes import GATE, LOGIN, OBJECT, Route

VIEW = "library.view"
MANAGE = "library.manage"
INDEX = {"own": 0, "same_school": 1, "other_school": 0, "other_district": 0}


def _nth(model: str) -> Callable[[str], Any]:
    def build(scope: str) -> Any:
        from django.apps import apps

        objects = apps.get_model("library", model).objects.filter(school=demo.school(scope))
        return objects.order_by("pk")[INDEX[scope] :].first()

    return build


def _pk(build: Callable[[str], Any]) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        obj = build(scope)
        return None if obj is None else Target({"pk": obj.pk}, obj)

    return target


def _school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _with(build: Callable[[str], Target | None], **extra: Any) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        found = build(scope)
        if found is not None:
            found.kwargs.update(extra)
        return found

    return target


def _patron(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk, "code": demo.student(scope).code}, school)


def _union(scope: str) -> Target:
    """A Phòng or the Sở: th1's Phòng (own, other school), the Sở, th2's Phòng."""
    th1, th2 = demo.school("own"), demo.school("other_district")
    assert th1.parent is not None and th2.parent is not None
    unit = {
        "own": th1.parent,
        "same_school": th1.parent.parent,
        "other_school": th1.parent,
        "other_district": th2.parent,
    }[scope]
    assert unit is not None
    return Target({"pk": unit.pk}, unit)


def _report_unit(scope: str) -> Target:
    """Schools for own / same school / other school; th2's Phòng for the other district."""
    school = demo.school(scope)
    unit = school.parent if scope == "other_district" and school.parent else school
    return Target({"pk": unit.pk}, unit)


RECORD = _pk(_nth("BibRecord"))
COPY = _pk(_nth("Copy"))
LOAN = _pk(_nth("Loan"))
STOCKTAKE = _pk(_nth("StockTake"))
WEEDING = _pk(_nth("Weeding"))
RESOURCE = _pk(_nth("DigitalResource"))
DIGITAL = "library.digital.view"


def _so_file(scope: str) -> Target | None:
    """The Sở's shared PDF (every scope: it is shared with the whole province)."""
    from hoso.library.models import DigitalResource

    found = DigitalResource.objects.filter(fmt="pdf", school__isnull=True).order_by("pk").first()
    return None if found is None else Target({"pk": found.pk}, found)


SO_FILE = _so_file


def _hold(scope: str) -> Target | None:
    """A hold the scope's owner (demo.OWNER_OF_SCOPE) placed for themselves at their school."""
    from hoso.library.models import BibRecord, Hold
    from hoso.org.models import Staff

    staff = Staff.objects.filter(user__username=demo.OWNER_OF_SCOPE[scope]).first()
    record = BibRecord.objects.filter(school=demo.school(scope)).order_by("pk").first()
    if staff is None or record is None:
        return None
    hold, _ = Hold.objects.get_or_create(record=record, school=record.school, staff=staff)
    return Target({"pk": hold.pk}, hold)


# Hold from the catalogue: the school's own staff (each a patron); nobody for another school.
TH1_PATRONS = Scopes(own=TH1_STAFF, same_school=TH1_STAFF)

LIBRARY_ROUTES: dict[str, Route] = {
    "library:index": Route(LOGIN),
    "library:my-loans": Route(LOGIN),
    "library:dashboard": Route(OBJECT, expect=SCHOOL_WIDE, action=VIEW, targets=_school),
    "library:catalogue": Route(OBJECT, expect=SCHOOL_WIDE, action=VIEW, targets=_school),
    "library:record-new": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:desk": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:loans": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_school
    ),
    "library:remind": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("POST",),
    ),
    "library:opac": Route(OBJECT, expect=SCHOOL_WIDE, action="library.opac", targets=_school),
    "library:union": Route(
        OBJECT,
        expect=Scopes(
            own=OFFICES | {ADMIN},
            same_school={SO, ADMIN},
            other_school=OFFICES | {ADMIN},
            other_district={SO, ADMIN},
        ),
        action="library.union",
        targets=_union,
    ),
    "library:record": Route(OBJECT, expect=SCHOOL_WIDE, action=VIEW, targets=RECORD),
    "library:record-edit": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=RECORD,
        methods=("GET", "POST"),
    ),
    "library:copies-add": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=RECORD, methods=("POST",)
    ),
    "library:hold-place": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=RECORD, methods=("POST",)
    ),
    "library:hold-request": Route(
        OBJECT,
        expect=TH1_PATRONS,
        action="library.hold.request",
        targets=RECORD,
        methods=("POST",),
    ),
    "library:hold-withdraw": Route(
        OBJECT,
        expect=Scopes(own={GV}),
        action="library.hold.own",
        targets=_hold,
        methods=("POST",),
    ),
    "library:copy-mark": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=COPY, methods=("POST",)
    ),
    "library:loan-renew": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=th1_and_above(LEADERS_TH1 | {TV}, offices=False),
        action=MANAGE,
        targets=LOAN,
        methods=("POST",),
    ),
    "library:import": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:excel-template": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_school
    ),
    "library:export": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_with(_school, fmt="mrc")
    ),
    "library:cards": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_school
    ),
    "library:class-flow": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:settings": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("POST",),
    ),
    "library:reading-add": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("POST",),
    ),
    "library:labels": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=RECORD
    ),
    "library:stocktakes": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:stocktake": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=STOCKTAKE,
        methods=("GET", "POST"),
    ),
    "library:stocktake-close": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=STOCKTAKE,
        methods=("POST",),
    ),
    "library:weeding": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {TV}),
        sees=SCHOOL_WIDE,
        write_expect=LIBRARIAN,
        action="library.report",
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:weeding-decide": Route(
        OBJECT,
        expect=th1_and_above({HT}, offices=False),
        sees=SCHOOL_WIDE,
        action="library.weeding.decide",
        targets=WEEDING,
        methods=("POST",),
    ),
    "library:registers": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=_school,
        methods=("GET", "POST"),
    ),
    "library:register-pdf": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_with(_school, kind="CB")
    ),
    "library:report": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {TV}),
        action="library.report",
        targets=_report_unit,
    ),
    "library:report-xlsx": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {TV}),
        action="library.report",
        targets=_report_unit,
    ),
    "library:digital": Route(LOGIN),
    "library:digital-add": Route(
        OBJECT,
        expect=th1_and_above({HT, TV}, offices=False),
        sees=SCHOOL_WIDE,
        action="library.digital.manage",
        targets=_school,
        methods=("POST",),
    ),
    "library:digital-propose": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {GV, TTCM, TV}, offices=False),
        sees=SCHOOL_WIDE,
        action="library.digital.propose",
        targets=_school,
        methods=("POST",),
    ),
    "library:digital-detail": Route(
        OBJECT,
        expect=th1_and_above({GV, TTCM, HT, TV}, same=TH1_STAFF, offices=False),
        action=DIGITAL,
        targets=RESOURCE,
    ),
    "library:digital-file": Route(
        OBJECT, expect=everywhere(EVERY_STAFF), action=DIGITAL, targets=SO_FILE
    ),
    "library:digital-vet": Route(
        OBJECT,
        expect=Scopes(own={TTCM, ADMIN}, other_school={ADMIN}, other_district={ADMIN}),
        sees=th1_and_above({GV, TTCM, HT, TV}, same=TH1_STAFF, offices=False),
        action="library.digital.vet",
        targets=RESOURCE,
        methods=("POST",),
    ),
    "library:digital-up": Route(
        OBJECT,
        expect=Scopes(same_school={HT, TV, ADMIN}),
        sees=th1_and_above({GV, TTCM, HT, TV}, same=TH1_STAFF, offices=False),
        action="library.digital.curate",
        targets=RESOURCE,
        methods=("POST",),
    ),
    # --- API -------------------------------------------------------------------------------
    "api-library-records": Route(
        LOGIN, action=VIEW, list_model="library.BibRecord", methods=("GET", "POST")
    ),
    "api-library-record": Route(OBJECT, expect=SCHOOL_WIDE, action=VIEW, targets=RECORD),
    "api-library-copies": Route(
        OBJECT,
        expect=SCHOOL_WIDE,
        write_expect=LIBRARIAN,
        action=VIEW,
        targets=RECORD,
        methods=("GET", "POST"),
    ),
    "api-library-patron": Route(
        OBJECT, expect=LIBRARIAN, sees=SCHOOL_WIDE, action=MANAGE, targets=_patron
    ),
    "api-library-loans": Route(
        LOGIN, action="library.loan.view", list_model="library.Loan", methods=("GET", "POST")
    ),
    "api-library-loan": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {TV}, offices=False),
        action="library.loan.view",
        targets=LOAN,
    ),
    "api-library-renew": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=th1_and_above(LEADERS_TH1 | {TV}, offices=False),
        action=MANAGE,
        targets=LOAN,
        methods=("POST",),
    ),
    "api-library-return": Route(GATE, expect={TV, ADMIN}, methods=("POST",)),
    "api-library-holds": Route(
        LOGIN, action=MANAGE, list_model="library.Hold", methods=("GET", "POST")
    ),
    "api-library-my-holds": Route(
        LOGIN, action="library.hold.own", list_model="library.Hold", methods=("GET", "POST")
    ),
    "api-library-my-hold": Route(
        OBJECT,
        expect=Scopes(own={GV}),
        action="library.hold.own",
        targets=_hold,
        methods=("GET", "DELETE"),
    ),
    "api-library-stocktakes": Route(
        LOGIN, action=MANAGE, list_model="library.StockTake", methods=("GET", "POST")
    ),
    "api-library-stocktake": Route(
        OBJECT,
        expect=LIBRARIAN,
        sees=SCHOOL_WIDE,
        action=MANAGE,
        targets=STOCKTAKE,
        methods=("GET", "POST"),
    ),
    "api-library-digital": Route(
        LOGIN, action=DIGITAL, list_model="library.DigitalResource", methods=("GET", "POST")
    ),
    "api-library-resource": Route(
        OBJECT,
        expect=th1_and_above({GV, TTCM, HT, TV}, same=TH1_STAFF, offices=False),
        action=DIGITAL,
        targets=RESOURCE,
    ),
}
