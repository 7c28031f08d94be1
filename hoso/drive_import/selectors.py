"""Reads of the import and export pages, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from hoso.drive_import.models import ImportBatch, ImportItem, ImportRule, YearExport
from hoso.drive_import.policies import MANAGE
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can, visible
from hoso.policy.grants import grants_for

SCHOOLS = Unit.objects.filter(kind=UnitKind.TRUONG)


def managed_schools(user: Any) -> list[Unit]:
    ids = grants_for(user).schools({"HT", "VT"})
    return [s for s in SCHOOLS.filter(pk__in=ids).order_by("name") if can(user, MANAGE, s)]


def batches_of(user: Any, school: Unit) -> QuerySet[ImportBatch]:
    return visible(user, MANAGE, ImportBatch.objects.filter(school=school))


def exports_of(user: Any, school: Unit) -> QuerySet[YearExport]:
    return visible(user, MANAGE, YearExport.objects.filter(school=school)).select_related(
        "school_year"
    )


def rules_of(school: Unit) -> QuerySet[ImportRule]:
    return ImportRule.objects.filter(school=school).select_related("record_type")


def items_of(batch: ImportBatch) -> QuerySet[ImportItem]:
    return batch.items.select_related("record_type", "owner", "school_year")


def folders_of(batch: ImportBatch) -> list[str]:
    """Every folder of the batch's tree ("a/", "a/b/"), in order."""
    folders: set[str] = set()
    for path in batch.items.values_list("shown_path", flat=True):
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folders.add("/".join(parts[:depth]) + "/")
    return sorted(folders)


def batch_year(batch: ImportBatch) -> SchoolYear | None:
    """The school year most of the batch's files are for, else the current one."""
    most = (
        batch.items.filter(include=True, school_year__isnull=False)
        .values("school_year")
        .annotate(files=Count("id"))
        .order_by("-files", "school_year")
        .first()
    )
    return SchoolYear.objects.get(pk=most["school_year"]) if most else current_year()


def years() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.order_by("-start_date")
