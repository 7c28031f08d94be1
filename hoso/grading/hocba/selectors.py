"""Reads of the học bạ: the versions a person may see, the files HoSo keeps, and the versions of
a class waiting for the person's signature."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.grading.hocba.chain import IN_PROGRESS, signing_check
from hoso.grading.models import HocBaStatus, HocBaVersion
from hoso.org.models import Unit
from hoso.policy import can, visible
from hoso.storage import blob_store


def hoc_ba_for(user: Any) -> QuerySet[HocBaVersion]:
    rows = HocBaVersion.objects.select_related("student", "school_class", "school_year")
    return visible(user, "grading.hocba.view", rows)


def read_blob(sha256: str) -> bytes:
    with blob_store().open(sha256) as fh:
        return fh.read()


def signable_for(actor: Any, school_class: Unit) -> list[HocBaVersion]:
    """The class's học bạ whose next step is the actor's and that have no missing data."""
    versions = HocBaVersion.objects.select_related("school_class", "student").filter(
        school_class=school_class, status__in=IN_PROGRESS
    )
    # Every version is of the same class: the policy's answer depends only on the status.
    allowed: dict[str, bool] = {}

    def may_sign(version: HocBaVersion) -> bool:
        if version.status not in allowed:
            allowed[version.status] = can(actor, "grading.hocba.sign", version)
        return allowed[version.status]

    found = [
        v for v in versions.order_by("student__sort_key") if may_sign(v) and not signing_check(v)
    ]
    if not found:
        return []
    # One step per batch (one certificate): the earliest step the actor holds.
    first = min(found, key=lambda v: list(IN_PROGRESS).index(HocBaStatus(v.status))).status
    return [v for v in found if v.status == first]
