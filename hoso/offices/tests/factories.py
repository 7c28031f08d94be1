"""Factories: an office's issued letter (a record with an issued, stored PDF version), a
directive sent through the service, and the province the offices' tests work in."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.offices.services.directives import directive_issue
from hoso.org.models import Role, UnitKind
from hoso.org.years import current_year
from hoso.records.models import Record, RecordState, RecordType, RecordVersion, RenditionStatus
from hoso.records.pdfmaker import simple_pdf
from hoso.storage import blob_store
from tests.factories import UnitFactory, UserFactory, World, grant, office_world


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def offices_province(prefix: str = "of") -> World:
    """office_world and, under its first Phòng, a mầm non school ("mn", its principal
    "mn.hieutruong"): the first Phòng has a primary ("school"), a THCS ("thcs") and a mầm non
    school, the second Phòng one primary school ("school2")."""
    world = office_world(prefix)
    mn = UnitFactory(
        code=f"{prefix}-MN",
        name="Trường Mầm non thử",
        kind=UnitKind.TRUONG,
        parent=world.units["phong"],
        level="MN",
    )
    principal = UserFactory(username=f"{prefix}.mn.hieutruong")
    grant(principal, Role.HT, mn)
    world.units["mn"] = mn
    world.people["mn.hieutruong"], world.posts["mn.hieutruong"] = principal, "mn"
    return world


class IssuedLetterFactory(factory.django.DjangoModelFactory):
    """An issued công văn of the office `unit` drafted by `owner` (the signing itself is the
    signing app's business and is exercised by test_office_records)."""

    class Meta:
        model = Record
        skip_postgeneration_save = True

    record_type = factory.LazyFunction(lambda: RecordType.objects.get(code="VP.PHONG.CV"))
    unit = None
    school = factory.SelfAttribute("unit")
    school_year = factory.LazyFunction(current_year)
    owner = None
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


def letter(world: World, by: str = "chuyenvien", office: str = "phong", **extra: Any) -> Record:
    """An issued letter of the world's office `office`, drafted by the person `by`."""
    return IssuedLetterFactory(unit=world.units[office], owner=world.people[by], **extra)


def directive(
    world: World,
    *,
    by: str = "chuyenvien",
    office: str = "phong",
    audience: str = "all",
    reply_kind: str = "ack",
    due_in_days: int = 7,
    **extra: Any,
) -> Any:
    unit = world.units[office]
    record = letter(world, by, office)
    return directive_issue(
        actor=world.people[by],
        office=unit,
        record_id=record.pk,
        audience=audience,
        reply_kind=reply_kind,
        reply_due_at=timezone.now() + dt.timedelta(days=due_in_days)
        if reply_kind != "none"
        else None,
        **extra,
    )
