"""Demo: a few lesson plans of th1 (and th2) from school year 2018-2019, long past their 5-year
period, and one pending destruction proposal per school for the principal to decide."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone

from hoso.org.demo import register_demo_step
from hoso.org.models import SchoolYear
from hoso.records.models import Record, RecordState, RecordType, RecordVersion, RenditionStatus
from hoso.records.pdfmaker import simple_pdf
from hoso.storage import blob_store

OLD_YEAR = ("2018-2019", dt.date(2018, 9, 5), dt.date(2019, 5, 31), dt.date(2019, 1, 15))
PLANS = {"th1": ("th1.to1", "th1.giaovien1"), "th2": ("th2.to12", "th2.giaovien1")}


def old_year() -> SchoolYear:
    name, start, end, term1 = OLD_YEAR
    year, _ = SchoolYear.objects.get_or_create(
        name=name, defaults={"start_date": start, "end_date": end, "term1_end": term1}
    )
    return year


def old_record(*, school: Any, unit: Any, owner: Any, week: int, year: SchoolYear) -> Record:
    """An issued lesson plan of `year` (kế hoạch bài dạy, kept 5 years)."""
    record_type = RecordType.objects.get(code="TT28.KHBD")
    moment = timezone.make_aware(dt.datetime.combine(year.start_date, dt.time(7)))
    moment += dt.timedelta(weeks=week)
    title = f"Kế hoạch bài dạy tuần {week + 1} — năm học {year.name}"
    pdf = simple_pdf(title, [f"Người lập: {owner.get_full_name() or owner.username}"])
    blob = blob_store().put(io.BytesIO(pdf))
    record = Record.objects.create(
        record_type=record_type,
        unit=unit,
        school=school,
        school_year=year,
        owner=owner,
        title=title,
        period_key=f"W{week + 1:02d}",
        state=RecordState.ISSUED,
        version_count=1,
        first_submitted_at=moment,
    )
    RecordVersion.objects.create(
        record=record,
        number=1,
        original_sha256=blob.sha256,
        size=blob.size,
        filename=f"khbd-tuan-{week + 1}.pdf",
        kind="pdf",
        uploaded_by=owner,
        uploaded_at=moment,
        pdf_sha256=blob.sha256,
        rendition_status=RenditionStatus.NOT_NEEDED,
        issued_at=moment,
    )
    return record


def demo_retention(province: Any) -> None:
    from hoso.retention.services import proposal_create

    year = old_year()
    for school_key, (unit_key, owner_name) in PLANS.items():
        school, owner = province.units[school_key], province.users[owner_name]
        for week in range(3):
            old_record(
                school=school, unit=province.units[unit_key], owner=owner, week=week, year=year
            )
        proposal_create(school=school)


register_demo_step(demo_retention, order=320)
