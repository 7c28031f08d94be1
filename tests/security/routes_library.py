"""Every-URL entries of the library (hoso/library): each scope's school, title, copy, loan.

Scopes as in demo.py: own and same school are th1's first and second objects, other school
thcs1's, other district th2's. A person of one school must get 404 for another school's
library pages and API objects, whatever id they guess."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoso.org.models import Role
from tests.security import demo
from tests.security.demo import Target
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


def _librarian_somewhere(user: Any) -> bool:
    from hoso.policy.grants import grants_for

    grants = grants_for(user)
    return grants.is_admin or bool(grants.schools({Role.TV}))


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

LIBRARY_ROUTES: dict[str, Route] = {
    "library:index": Route(LOGIN),
    "library:my-loans": Route(LOGIN),
    "library:dashboard": Route(OBJECT, action=VIEW, targets=_school),
    "library:catalogue": Route(OBJECT, action=VIEW, targets=_school),
    "library:record-new": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:desk": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:loans": Route(OBJECT, action=MANAGE, view_action=VIEW, targets=_school),
    "library:remind": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("POST",)
    ),
    "library:opac": Route(OBJECT, action="library.opac", targets=_school),
    "library:union": Route(OBJECT, action="library.union", targets=_union),
    "library:record": Route(OBJECT, action=VIEW, targets=RECORD),
    "library:record-edit": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=RECORD, methods=("GET", "POST")
    ),
    "library:copies-add": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=RECORD, methods=("POST",)
    ),
    "library:hold-place": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=RECORD, methods=("POST",)
    ),
    "library:copy-mark": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=COPY, methods=("POST",)
    ),
    "library:loan-renew": Route(
        OBJECT, action=MANAGE, view_action="library.loan.view", targets=LOAN, methods=("POST",)
    ),
    "library:import": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:excel-template": Route(OBJECT, action=MANAGE, view_action=VIEW, targets=_school),
    "library:export": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_with(_school, fmt="mrc")
    ),
    "library:cards": Route(OBJECT, action=MANAGE, view_action=VIEW, targets=_school),
    "library:class-flow": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:settings": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("POST",)
    ),
    "library:reading-add": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("POST",)
    ),
    "library:labels": Route(OBJECT, action=MANAGE, view_action=VIEW, targets=RECORD),
    "library:stocktakes": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:stocktake": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=STOCKTAKE, methods=("GET", "POST")
    ),
    "library:stocktake-close": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=STOCKTAKE, methods=("POST",)
    ),
    "library:weeding": Route(
        OBJECT,
        action="library.report",
        view_action=VIEW,
        targets=_school,
        methods=("GET", "POST"),
        write_action=MANAGE,
    ),
    "library:weeding-decide": Route(
        OBJECT,
        action="library.weeding.decide",
        view_action=VIEW,
        targets=WEEDING,
        methods=("POST",),
    ),
    "library:registers": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_school, methods=("GET", "POST")
    ),
    "library:register-pdf": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=_with(_school, kind="CB")
    ),
    "library:report": Route(OBJECT, action="library.report", targets=_report_unit),
    "library:report-xlsx": Route(OBJECT, action="library.report", targets=_report_unit),
    "library:digital": Route(LOGIN),
    "library:digital-add": Route(
        OBJECT,
        action="library.digital.manage",
        view_action="org.unit.view",
        targets=_school,
        methods=("POST",),
    ),
    "library:digital-propose": Route(
        OBJECT,
        action="library.digital.propose",
        view_action="org.unit.view",
        targets=_school,
        methods=("POST",),
    ),
    "library:digital-detail": Route(OBJECT, action=DIGITAL, targets=RESOURCE),
    "library:digital-file": Route(OBJECT, action=DIGITAL, targets=SO_FILE),
    "library:digital-vet": Route(
        OBJECT,
        action="library.digital.vet",
        view_action=DIGITAL,
        targets=RESOURCE,
        methods=("POST",),
    ),
    "library:digital-up": Route(
        OBJECT,
        action="library.digital.curate",
        view_action=DIGITAL,
        targets=RESOURCE,
        methods=("POST",),
    ),
    # --- API -------------------------------------------------------------------------------
    "api-library-records": Route(
        LOGIN, action=VIEW, list_model="library.BibRecord", methods=("GET", "POST")
    ),
    "api-library-record": Route(OBJECT, action=VIEW, targets=RECORD),
    "api-library-copies": Route(
        OBJECT, action=VIEW, targets=RECORD, methods=("GET", "POST"), write_action=MANAGE
    ),
    "api-library-patron": Route(OBJECT, action=MANAGE, view_action=VIEW, targets=_patron),
    "api-library-loans": Route(
        LOGIN, action="library.loan.view", list_model="library.Loan", methods=("GET", "POST")
    ),
    "api-library-loan": Route(OBJECT, action="library.loan.view", targets=LOAN),
    "api-library-renew": Route(
        OBJECT, action=MANAGE, view_action="library.loan.view", targets=LOAN, methods=("POST",)
    ),
    "api-library-return": Route(GATE, allowed=_librarian_somewhere, methods=("POST",)),
    "api-library-holds": Route(
        LOGIN, action=MANAGE, list_model="library.Hold", methods=("GET", "POST")
    ),
    "api-library-stocktakes": Route(
        LOGIN, action=MANAGE, list_model="library.StockTake", methods=("GET", "POST")
    ),
    "api-library-stocktake": Route(
        OBJECT, action=MANAGE, view_action=VIEW, targets=STOCKTAKE, methods=("GET", "POST")
    ),
    "api-library-digital": Route(
        LOGIN, action=DIGITAL, list_model="library.DigitalResource", methods=("GET", "POST")
    ),
    "api-library-resource": Route(OBJECT, action=DIGITAL, targets=RESOURCE),
}
