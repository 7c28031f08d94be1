"""Reads of the library, already narrowed by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from hoso.library.catalog import query_words
from hoso.library.models import BibRecord, Copy, CopyStatus, DigitalResource, Loan
from hoso.org.models import Unit, UnitKind
from hoso.policy import visible

MAX_RESULTS = 200


def managed_schools(user: Any) -> QuerySet[Unit]:
    """The schools whose library `user` runs (thủ thư; the administrator: all)."""
    return Unit.objects.filter(pk__in=_school_ids(user, "library.manage")).order_by("path")


def _school_ids(user: Any, action: str) -> list[int]:
    """Ids of the schools on whose library `user` may do `action`."""
    from hoso.policy import can

    schools = Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).order_by("path")
    return [s.pk for s in schools if can(user, action, s)]


def viewable_schools(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=_school_ids(user, "library.view")).order_by("path")


def opac_schools(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=_school_ids(user, "library.opac")).order_by("path")


def search_records(records: QuerySet[BibRecord], query: str, kind: str = "") -> QuerySet[BibRecord]:
    """Accent-insensitive search: every word of the folded query appears in the folded title,
    authors, subject, ISBN or class number. No join here: a page's availability is counted
    afterwards for that page only (`with_availability`)."""
    for word in query_words(query):
        records = records.filter(search_text__contains=word)
    if kind:
        records = records.filter(kind=kind)
    return records.order_by("title", "id")


def with_availability(records: Any) -> list[BibRecord]:
    """The records of one page with `n_copies` (not weeded) and `n_available` set."""
    rows = list(records)
    counts = {
        row["record"]: row
        for row in Copy.objects.filter(record_id__in=[r.pk for r in rows])
        .values("record")
        .annotate(
            n_copies=Count("id", filter=~Q(status=CopyStatus.WEEDED)),
            n_available=Count("id", filter=Q(status=CopyStatus.AVAILABLE)),
        )
    }
    for record in rows:
        found = counts.get(record.pk, {})
        record.n_copies = found.get("n_copies", 0)  # type: ignore[attr-defined]
        record.n_available = found.get("n_available", 0)  # type: ignore[attr-defined]
    return rows


def school_records(school: Unit, query: str = "", kind: str = "") -> QuerySet[BibRecord]:
    return search_records(BibRecord.objects.filter(school=school), query, kind)


def record_copies(record: BibRecord) -> QuerySet[Copy]:
    return record.copies.exclude(status=CopyStatus.WEEDED).order_by("reg_number")


def open_loans(school: Unit) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(school=school, returned_at__isnull=True)
        .select_related("copy__record", "student", "staff")
        .order_by("due_on", "id")
    )


def my_loans(user: Any) -> QuerySet[Loan]:
    """The loans of the person, and of their children for a parent (library.loan.view)."""
    loans = Loan.objects.select_related("copy__record", "student", "staff", "school")
    own = Q(staff__user_id=user.pk)
    from hoso.grading.models import Guardian

    children = Guardian.objects.filter(user_id=user.pk).values("student_id")
    return loans.filter(own | Q(student_id__in=children)).order_by("returned_at", "-issued_at")


def digital_visible(user: Any, query: str = "") -> QuerySet[DigitalResource]:
    resources = visible(
        user, "library.digital.view", DigitalResource.objects.select_related("owner_unit")
    )
    for word in query_words(query):
        resources = resources.filter(search_text__contains=word)
    return resources
