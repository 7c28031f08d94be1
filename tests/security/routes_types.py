"""Every-URL entries of the record types an office defines for the schools below it
(hoso/records/views/office_types.py, api/office_types.py). The object is the demo Sở's own type
(hoso/records/demo_types.py) in every scope: it applies to every school of the province, so
every demo account sees it; only the Sở (and the administrator) changes it. The demo Sở does
not let its Phòng define types, so the Phòng's specialist reads the list but changes nothing."""

from __future__ import annotations

from typing import Any

from tests.security.demo import Target
from tests.security.expect import ADMIN, EVERY_STAFF, OFFICES, SO, everywhere
from tests.security.routes import GATE, OBJECT, Route, by_pk

DEFINE = "records.type.define"
REVISE = "records.type.revise"
VIEW = "records.type.view"
SO_ONLY = everywhere({SO, ADMIN})
STAFF = everywhere(EVERY_STAFF)


def _so_type(_scope: str) -> Any:
    from hoso.records.models import RecordType

    return RecordType.objects.filter(owner_unit__code="SO-DEMO").order_by("pk").first()


def _so_unit(_scope: str) -> Target:
    from hoso.org.models import Unit

    so = Unit.objects.get(code="SO-DEMO")
    return Target({"unit_id": so.pk}, so)


TYPES_ROUTES: dict[str, Route] = {
    "records:office-types": Route(GATE, expect=OFFICES | {ADMIN}),
    "records:office-type-new": Route(
        GATE, expect={SO, ADMIN}, action=DEFINE, methods=("GET", "POST")
    ),
    "records:office-type-delegation": Route(
        GATE, expect={SO, ADMIN}, action="records.type.delegate", methods=("POST",)
    ),
    "records:office-type": Route(OBJECT, expect=STAFF, action=VIEW, targets=by_pk(_so_type)),
    "records:office-type-adapt": Route(
        OBJECT,
        expect=SO_ONLY,
        sees=STAFF,
        action=DEFINE,
        targets=by_pk(_so_type),
        methods=("GET", "POST"),
    ),
    "records:office-type-retire": Route(
        OBJECT,
        expect=SO_ONLY,
        sees=STAFF,
        action=REVISE,
        targets=by_pk(_so_type),
        methods=("POST",),
    ),
    "api-office-types": Route(GATE, expect=OFFICES | {ADMIN}, methods=("GET", "POST")),
    "api-office-type": Route(OBJECT, expect=STAFF, action=VIEW, targets=by_pk(_so_type)),
    "api-office-type-adapt": Route(
        OBJECT,
        expect=SO_ONLY,
        sees=STAFF,
        action=DEFINE,
        targets=by_pk(_so_type),
        methods=("POST",),
    ),
    "api-office-type-retire": Route(
        OBJECT,
        expect=SO_ONLY,
        sees=STAFF,
        action=REVISE,
        targets=by_pk(_so_type),
        methods=("POST",),
    ),
    "api-office-type-delegation": Route(
        OBJECT,
        expect=SO_ONLY,
        action="records.type.delegate",
        targets=_so_unit,
        methods=("PUT",),
    ),
}
