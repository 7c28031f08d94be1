"""When a record's retention period ends (TT 08/2025/TT-BGDĐT): counted from the end of the
school year the record belongs to (or, without one, from its issue date) plus the type's
retention years; 0 years means permanent and is never proposed for destruction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from hoso.records.models import Record, RecordType, RecordVersion, Workflow

PERMANENT = 0
LEGAL_BASIS = (
    "Luật Lưu trữ số 33/2024/QH15; Thông tư 08/2025/TT-BGDĐT quy định thời hạn lưu trữ hồ sơ, "
    "tài liệu thuộc lĩnh vực giáo dục và đào tạo"
)


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29/02 becomes 28/02 in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_years(record_type: RecordType) -> int:
    """The type's period: the Sở's override when one was set, else the catalogue value."""
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default works.
    override = getattr(record_type, "retention_override", None)
    return int(override.years) if override is not None else int(record_type.retention_years)


def retention_source(record_type: RecordType) -> str:
    override = getattr(record_type, "retention_override", None)
    if override is not None:
        return f"Điều chỉnh ngày {override.set_at:%d/%m/%Y}: {override.reason}"
    return record_type.retention_source or LEGAL_BASIS


def start_of_count(record: Record) -> dt.date:
    """End of the record's school year; without one, the day it was issued (or created)."""
    year = getattr(record, "school_year", None)
    if year is not None and year.end_date is not None:
        return year.end_date  # type: ignore[no-any-return]
    issued = (
        RecordVersion.objects.filter(record=record, issued_at__isnull=False)
        .order_by("issued_at")
        .values_list("issued_at", flat=True)
        .first()
    )
    moment = issued or record.created_at
    return timezone.localtime(moment).date()


def retention_end(record: Record) -> dt.date | None:
    """The last day the record must be kept; None when it is kept permanently."""
    years = retention_years(record.record_type)
    if years == PERMANENT:
        return None
    return add_years(start_of_count(record), years)


def has_expired(record: Record, today: dt.date | None = None) -> bool:
    end = retention_end(record)
    return end is not None and (today or timezone.localdate()) > end


def expired_records(school: Any, today: dt.date | None = None) -> list[tuple[Record, int, dt.date]]:
    """(record, years, end) for the school's records whose period has ended, not destroyed,
    not in a pending proposal and not in the middle of a workflow."""
    from hoso.retention.models import ProposalItem, ProposalState

    today = today or timezone.localdate()
    in_proposal = ProposalItem.objects.filter(
        record=OuterRef("pk"), proposal__state=ProposalState.PENDING
    )
    open_workflow = Workflow.objects.filter(record=OuterRef("pk"), is_open=True)
    candidates: QuerySet[Record] = (
        Record.objects.filter(school=school, destruction__isnull=True, school_year__isnull=False)
        .exclude(Exists(in_proposal))
        .exclude(Exists(open_workflow))
        .select_related("record_type", "record_type__retention_override", "school_year")
    )
    found = []
    for record_type in RecordType.objects.select_related("retention_override"):
        years = retention_years(record_type)
        if years == PERMANENT:
            continue
        # Coarse bound in SQL (a day of slack for 29/02), exact test below.
        latest_start = add_years(today, -years)
        rows = candidates.filter(record_type=record_type, school_year__end_date__lte=latest_start)
        for record in rows.order_by("school_year__end_date", "pk"):
            end = add_years(record.school_year.end_date, years)
            if today > end:
                found.append((record, years, end))
    return found
