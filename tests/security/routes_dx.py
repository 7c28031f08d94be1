"""Every-URL entries of digital-transformation measures (hoso/offices/transformation): the
demo Sở's open criteria set (the same object in every scope: it applies to every school of the
province) and the sheets of that set of the scope's school (th1 for own and same school, thcs1,
th2). The set is read by its office and above, by the Phòng below and by the leaders and clerk
of the schools it applies to; the sheets by the school's HT, PHT, văn thư and the offices above;
only the HT and PHT fill, only the HT submits, only the Sở returns, publishes, closes, copies."""

from __future__ import annotations

from typing import Any

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import (
    ADMIN,
    HT,
    OFFICES,
    PHT,
    READERS_TH1,
    SCHOOL_READERS,
    SO,
    Scopes,
    everywhere,
)
from tests.security.routes import GATE, LOGIN, OBJECT, Route, by_pk

SET_READERS = everywhere(READERS_TH1 | OFFICES | {ADMIN})
SO_ONLY = everywhere({SO})
FILLERS = Scopes(own=frozenset({HT, PHT}), same_school=frozenset({HT, PHT}))
SUBMITTER = Scopes(own=frozenset({HT}), same_school=frozenset({HT}))


def _set(_scope: str) -> Any:
    from hoso.offices.models import CriteriaSet

    return CriteriaSet.objects.filter(office__code="SO-DEMO").order_by("pk").first()


def _sheet(scope: str) -> Any:
    from hoso.offices.models import SchoolSheet

    sheets = SchoolSheet.objects.select_related("school", "criteria_set__office")
    found = sheets.filter(criteria_set=_set(scope), school=demo.school(scope))
    return found.order_by("pk").first()


def _evidence(scope: str) -> Target | None:
    """The sheet's answer with an uploaded file (criterion 2.2 in the demo)."""
    sheet = _sheet(scope)
    if sheet is None:
        return None
    answer = sheet.answers.exclude(evidence_sha256="").order_by("pk").first()
    if answer is None:
        return None
    return Target({"pk": sheet.pk, "criterion": answer.criterion_id}, sheet)


def _set_route(expect: Scopes = SET_READERS, **extra: Any) -> Route:
    return Route(OBJECT, expect=expect, action="offices.dx.set.view", targets=by_pk(_set), **extra)


def _set_write(action: str, methods: tuple[str, ...] = ("POST",)) -> Route:
    return Route(
        OBJECT,
        expect=SO_ONLY,
        sees=SET_READERS,
        action=action,
        targets=by_pk(_set),
        methods=methods,
    )


def _sheet_route(expect: Scopes = SCHOOL_READERS, **extra: Any) -> Route:
    return Route(OBJECT, expect=expect, targets=by_pk(_sheet), **extra)


def _sheet_write(expect: Scopes, action: str) -> Route:
    return Route(
        OBJECT,
        expect=expect,
        sees=SCHOOL_READERS,
        action=action,
        targets=by_pk(_sheet),
        methods=("POST",),
    )


RETURNER = everywhere({SO})

DX_ROUTES: dict[str, Route] = {
    "offices:dx-sets": Route(LOGIN),
    "offices:dx-set-new": Route(GATE, expect=OFFICES, methods=("GET", "POST")),
    "offices:dx-set": _set_route(),
    "offices:dx-set-export": _set_route(),
    "offices:dx-set-criteria": _set_write("offices.dx.set.manage"),
    "offices:dx-set-publish": _set_write("offices.dx.set.manage"),
    "offices:dx-set-close": _set_write("offices.dx.set.manage"),
    "offices:dx-set-copy": _set_write("offices.dx.set.manage"),
    "offices:dx-set-recompute": _set_write("offices.dx.set.manage"),
    "offices:dx-sheet": _sheet_route(
        write_expect=FILLERS, action="offices.dx.sheet.view", methods=("GET", "POST")
    ),
    "offices:dx-sheet-submit": _sheet_write(SUBMITTER, "offices.dx.sheet.submit"),
    "offices:dx-sheet-return": _sheet_write(RETURNER, "offices.dx.sheet.return"),
    "offices:dx-evidence": Route(
        OBJECT, expect=SCHOOL_READERS, action="offices.dx.sheet.view", targets=_evidence
    ),
    "api-offices-dx-measures": Route(LOGIN),
    "api-offices-dx-sets": Route(
        LOGIN,
        action="offices.dx.set.view",
        list_model="offices.CriteriaSet",
        methods=("GET", "POST"),
    ),
    "api-offices-dx-set": _set_route(),
    "api-offices-dx-scores": _set_route(),
    "api-offices-dx-criteria": _set_write("offices.dx.set.manage", ("POST", "DELETE")),
    "api-offices-dx-publish": _set_write("offices.dx.set.manage"),
    "api-offices-dx-close": _set_write("offices.dx.set.manage"),
    "api-offices-dx-copy": _set_write("offices.dx.set.manage"),
    "api-offices-dx-recompute": _set_write("offices.dx.set.manage"),
    "api-offices-dx-sheets": Route(
        LOGIN, action="offices.dx.sheet.view", list_model="offices.SchoolSheet"
    ),
    "api-offices-dx-sheet": _sheet_route(action="offices.dx.sheet.view"),
    "api-offices-dx-answers": _sheet_write(FILLERS, "offices.dx.sheet.fill"),
    "api-offices-dx-submit": _sheet_write(SUBMITTER, "offices.dx.sheet.submit"),
    "api-offices-dx-return": _sheet_write(RETURNER, "offices.dx.sheet.return"),
}
