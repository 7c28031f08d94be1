"""Factories: an office's issued letter (a record with an issued, stored PDF version) and a
directive sent through the service."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.offices.services.directives import directive_issue
from hoso.org.models import Unit
from hoso.org.years import current_year
from hoso.records.models import Record, RecordState, RecordType, RecordVersion, RenditionStatus
from hoso.records.pdfmaker import simple_pdf
from hoso.storage import blob_store


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


class IssuedLetterFactory(factory.django.DjangoModelFactory):
    """An issued công văn of Phòng 1 (the signing itself is the signing app's business and
    is exercised by the demo step and test_office_records)."""

    class Meta:
        model = Record
        skip_postgeneration_save = True

    record_type = factory.LazyFunction(lambda: RecordType.objects.get(code="VP.PHONG.CV"))
    unit = factory.LazyFunction(lambda: Unit.objects.get(code="PGD-1"))
    school = factory.SelfAttribute("unit")
    school_year = factory.LazyFunction(current_year)
    owner = factory.LazyFunction(lambda: user("phong1.chuyenvien"))
    title = factory.Sequence(lambda n: f"Công văn số {n}")
    state = RecordState.ISSUED
    version_count = 1
    first_submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def version(obj: Record, create: bool, extracted: Any, **kwargs: Any) -> None:
        blob = blob_store().put(io.BytesIO(simple_pdf(obj.title, ["Kính gửi: các trường."])))
        now = timezone.now()
        RecordVersion.objects.create(
            record=obj,
            number=1,
            original_sha256=blob.sha256,
            size=blob.size,
            filename="cong-van.pdf",
            kind="pdf",
            uploaded_by=obj.owner,
            uploaded_at=now,
            pdf_sha256=blob.sha256,
            rendition_status=RenditionStatus.NOT_NEEDED,
            issued_at=now,
        )


def directive(
    *,
    by: str = "phong1.chuyenvien",
    office: str = "PGD-1",
    audience: str = "all",
    reply_kind: str = "ack",
    due_in_days: int = 7,
    **extra: Any,
) -> Any:
    unit = Unit.objects.get(code=office)
    record = IssuedLetterFactory(unit=unit, owner=user(by))
    return directive_issue(
        actor=user(by),
        office=unit,
        record_id=record.pk,
        audience=audience,
        reply_kind=reply_kind,
        reply_due_at=timezone.now() + dt.timedelta(days=due_in_days)
        if reply_kind != "none"
        else None,
        **extra,
    )
