"""Every-URL entries of the student's school life (hoso/schoollife): the student's page and
its movements (the scope's pupil), the packages and received files (none in the demo), the
receiving school's upload. The school's staff and the offices above see a pupil's history;
only the principal, the deputy, the văn thư and the administrator record a movement."""

from __future__ import annotations

from typing import Any

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import ADMIN, HT, PHT, SCHOOL_WIDE, VT, th1_and_above
from tests.security.routes import GATE, OBJECT, Route, student_target

VIEW = "schoollife.history.view"
RECORD = "schoollife.movement.record"
RECORDERS = th1_and_above({HT, PHT, VT}, offices=False)


def _movement(scope: str) -> Target | None:
    from hoso.schoollife.models import Movement

    found = Movement.objects.filter(school=demo.school(scope)).exclude(package_sha256="").first()
    return None if found is None else Target({"pk": found.pk}, found)


def _received(scope: str) -> Target | None:
    from hoso.schoollife.models import ReceivedFile

    found = ReceivedFile.objects.filter(movement__school=demo.school(scope)).first()
    return None if found is None else Target({"pk": found.pk}, found)


def _school(scope: str) -> Any:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _post(name: str) -> Route:
    return Route(
        OBJECT,
        expect=RECORDERS,
        sees=SCHOOL_WIDE,
        action=RECORD,
        targets=student_target,
        methods=("POST",),
    )


SCHOOLLIFE_ROUTES: dict[str, Route] = {
    "schoollife:index": Route(GATE, expect={HT, PHT, VT, ADMIN}, action="schoollife.movement.list"),
    "schoollife:student": Route(OBJECT, expect=SCHOOL_WIDE, action=VIEW, targets=student_target),
    **{
        f"schoollife:{name}": _post(name)
        for name in ("admit", "change-class", "drop-out", "repeat", "complete", "transfer")
    },
    "schoollife:package": Route(
        OBJECT, expect=RECORDERS, action="schoollife.package.download", targets=_movement
    ),
    "schoollife:file": Route(
        OBJECT, expect=RECORDERS, action="schoollife.file.view", targets=_received
    ),
    "schoollife:receive": Route(
        GATE,
        expect={HT, PHT, VT, ADMIN},
        action="schoollife.transfer.receive",
        methods=("GET", "POST"),
    ),
    "api-school-life": Route(
        OBJECT,
        expect=SCHOOL_WIDE,
        write_expect=RECORDERS,
        action=VIEW,
        targets=student_target,
        methods=("GET", "POST"),
    ),
    "api-school-life-package": Route(
        OBJECT, expect=RECORDERS, action="schoollife.package.download", targets=_movement
    ),
    "api-transfer-in-preview": Route(
        OBJECT,
        expect=RECORDERS,
        action="schoollife.transfer.receive",
        targets=_school,
        methods=("POST",),
    ),
    "api-transfer-in": Route(
        OBJECT,
        expect=RECORDERS,
        action="schoollife.transfer.receive",
        targets=_school,
        methods=("POST",),
    ),
}
