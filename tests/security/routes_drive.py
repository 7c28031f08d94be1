"""Every-URL entries of the Drive/OneDrive import and the year export (hoso/drive_import):
the school's principal and clerk only; not the offices above, not the administrator. The demo
has no import batch or export: the targets make one per school as the service would leave it
(a batch ready for checking with no files, a finished export of an empty zip)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import HT, VT, th1_and_above
from tests.security.routes import OBJECT, Route

MANAGE = "drive_import.manage"
MANAGERS = th1_and_above({HT, VT}, offices=False, admin=False)
INDEX = {"own": 0, "same_school": 1, "other_school": 0, "other_district": 0}


def _school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w"):
        pass
    return buffer.getvalue()


def _batch(scope: str) -> Any:
    from hoso.drive_import.models import BatchStatus, ImportBatch

    school = demo.school(scope)
    while ImportBatch.objects.filter(school=school).count() <= INDEX[scope]:
        ImportBatch.objects.create(
            school=school,
            created_by=demo.user(demo.OWNER_OF_SCOPE[scope]),
            created_at=timezone.now(),
            filename="takeout.zip",
            zip_sha256="0" * 64,
            status=BatchStatus.READY,
        )
    return ImportBatch.objects.filter(school=school).order_by("pk")[INDEX[scope]]


def _export(scope: str) -> Any:
    from hoso.drive_import.models import ExportStatus, YearExport
    from hoso.org.models import SchoolYear
    from hoso.storage import blob_store

    school = demo.school(scope)
    while YearExport.objects.filter(school=school).count() <= INDEX[scope]:
        blob = blob_store().put(io.BytesIO(_empty_zip()))
        YearExport.objects.create(
            school=school,
            school_year=SchoolYear.objects.get(is_current=True),
            created_by=demo.user(demo.OWNER_OF_SCOPE[scope]),
            created_at=timezone.now(),
            status=ExportStatus.DONE,
            result_sha256=blob.sha256,
            result_size=blob.size,
        )
    return YearExport.objects.filter(school=school).order_by("pk")[INDEX[scope]]


def _rule(scope: str) -> Target:
    from hoso.drive_import.services.rules import rules_ensure

    school = demo.school(scope)
    rules_ensure(school)
    rule = school_rules(school)[INDEX[scope]]
    return Target({"pk": school.pk, "rule": rule.pk}, school)


def school_rules(school: Any) -> list[Any]:
    from hoso.drive_import.models import ImportRule

    return list(ImportRule.objects.filter(school=school).order_by("pk"))


def _pk(build: Callable[[str], Any]) -> Callable[[str], Target]:
    def target(scope: str) -> Target:
        obj = build(scope)
        return Target({"pk": obj.pk}, obj)

    return target


BATCH = _pk(_batch)
EXPORT = _pk(_export)


def _route(targets: Callable[[str], Target], *methods: str) -> Route:
    return Route(
        OBJECT, expect=MANAGERS, action=MANAGE, targets=targets, methods=methods or ("GET",)
    )


DRIVE_ROUTES: dict[str, Route] = {
    "drive_import:index": Route("login"),
    "drive_import:school": _route(_school, "GET", "POST"),
    "drive_import:rules": _route(_school, "GET", "POST"),
    "drive_import:export-new": _route(_school, "POST"),
    "drive_import:batch": _route(BATCH, "GET", "POST"),
    "drive_import:batch-progress": _route(BATCH),
    "drive_import:batch-periods": _route(BATCH),
    "drive_import:export": _route(EXPORT),
    "drive_import:export-progress": _route(EXPORT),
    "drive_import:export-file": _route(EXPORT),
    "api-drive-batches": _route(_school, "GET", "POST"),
    "api-drive-rules": _route(_school, "GET", "POST"),
    "api-drive-rule": _route(_rule, "DELETE"),
    "api-drive-exports": _route(_school, "GET", "POST"),
    "api-drive-batch": _route(BATCH),
    "api-drive-items": _route(BATCH, "GET", "PATCH"),
    "api-drive-confirm": _route(BATCH, "POST"),
    "api-drive-reapply": _route(BATCH, "POST"),
    "api-drive-export": _route(EXPORT),
    "api-drive-export-file": _route(EXPORT),
}
