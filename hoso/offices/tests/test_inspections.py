"""Inspection: open with a scope, findings per item, a signed biên bản sent to the school
which answers; gradebook entry progress for the inspector and the principal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.offices.models import Inspection, InspectionState
from hoso.offices.progress import school_progress
from hoso.offices.services import directives, inspections
from hoso.offices.tests.factories import offices_province
from hoso.org.models import SchoolYear
from hoso.records.models import Record, RecordState
from hoso.records.services.signing import version_sign
from tests.factories import RecordFactory, StudentFactory, World, login, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings) -> World:
    """A Sở whose first Phòng (its specialist holds a certificate) has the school (ip-TR) and
    a THCS school, its second Phòng another school."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return with_certificates(offices_province("ip"), ["chuyenvien"])


def client_for(world: World, key: str):
    return login(world.people[key])


def _open(world: World, **extra) -> Inspection:
    values = {
        "actor": world.people["chuyenvien"],
        "office": world.units["phong"],
        "school_id": world.units["school"].pk,
        "title": "hồ sơ học kỳ I",
        "type_codes": ["TT28.KHBD"],
        "gradebook": True,
    }
    return inspections.inspection_open(**{**values, **extra})


def test_the_whole_inspection_ends_with_the_schools_answer(world):
    inspection = _open(world)
    RecordFactory(owner=world.people["giaovien"], period_key="W05", submitted=True)
    read = Record.objects.filter(
        school=world.units["school"],
        record_type__code="TT28.KHBD",
        first_submitted_at__isnull=False,
    ).first()
    page = client_for(world, "chuyenvien").get(reverse("offices:inspection", args=[inspection.pk]))
    assert page.status_code == 200
    evidence = [read.pk] if read else []
    inspections.finding_save(
        actor=world.people["chuyenvien"],
        inspection_id=inspection.pk,
        item="type:TT28.KHBD",
        strengths="Đúng hạn.",
        evidence=evidence,
    )
    minutes = inspections.minutes_draw_up(
        actor=world.people["chuyenvien"], inspection_id=inspection.pk
    )
    assert minutes.record_type.code == "VP.PHONG.BBKT"
    assert minutes.school == world.units["phong"]
    with pytest.raises(Conflict, match="chưa ký xong"):
        inspections.minutes_send(
            actor=world.people["chuyenvien"],
            inspection_id=inspection.pk,
            reply_due_at=timezone.now() + dt.timedelta(days=5),
        )
    version_sign(
        actor=world.people["chuyenvien"], record_id=minutes.pk, passphrase=settings.DEMO_PASSWORD
    )
    minutes.refresh_from_db()
    assert minutes.state == RecordState.ISSUED
    sent = inspections.minutes_send(
        actor=world.people["chuyenvien"],
        inspection_id=inspection.pk,
        reply_due_at=timezone.now() + dt.timedelta(days=5),
    )
    assert sent.state == InspectionState.SENT
    row = sent.directive.recipients.get()
    assert row.unit == world.units["school"]
    directives.directive_answer(
        actor=world.people["hieutruong"], recipient_id=row.pk, text="Nhà trường tiếp thu."
    )
    page = client_for(world, "hieutruong").get(reverse("offices:inspection", args=[inspection.pk]))
    assert "Nhà trường tiếp thu." in page.content.decode()


def test_a_school_outside_the_phong_cannot_be_inspected(world):
    with pytest.raises(DomainError, match="không thuộc phạm vi quản lý"):
        _open(world, school_id=world.units["school2"].pk)


def test_findings_only_by_the_office_and_only_for_the_scope(world):
    inspection = _open(world)
    RecordFactory(owner=world.people["school2.giaovien"], period_key="W05", submitted=True)
    with pytest.raises(NotAllowed):
        inspections.finding_save(
            actor=world.people["hieutruong"],
            inspection_id=inspection.pk,
            item="gradebook",
            strengths="x",
        )
    with pytest.raises(DomainError, match="không thuộc nội dung kiểm tra"):
        inspections.finding_save(
            actor=world.people["chuyenvien"],
            inspection_id=inspection.pk,
            item="library",
            strengths="x",
        )
    other = Record.objects.filter(school=world.units["school2"]).first()
    if other is not None:  # a record of another Phòng's school
        with pytest.raises(DomainError, match="Minh chứng phải là hồ sơ của trường"):
            inspections.finding_save(
                actor=world.people["chuyenvien"],
                inspection_id=inspection.pk,
                item="gradebook",
                strengths="x",
                evidence=[other.pk],
            )
    assert not inspection.findings.exists()


def test_other_schools_and_districts_do_not_see_it(world):
    inspection = _open(world)
    url = reverse("offices:inspection", args=[inspection.pk])
    for username in ("thcs.hieutruong", "school2.hieutruong", "chuyenvien2", "giaovien"):
        assert client_for(world, username).get(url).status_code == 404
    assert client_for(world, "so").get(url).status_code == 200


def test_gradebook_progress_counts_cells_due_by_now(world):
    # Given Lớp 1A of the school with two pupils
    for _ in range(2):
        StudentFactory(school_class=world.units["lop"])
    school = world.units["school"]
    year = SchoolYear.objects.get(is_current=True)
    before = school_progress(school, year, today=year.start_date)
    assert before and all(r.required_now == 0 and r.percent == 100 for r in before)
    after = school_progress(school, year, today=year.end_date + dt.timedelta(days=1))
    assert all(r.required_now == r.required_year > 0 for r in after)
    assert all(0 <= r.entered <= r.required_now for r in after)
    url = reverse("offices:progress", args=[school.pk])
    assert client_for(world, "hieutruong").get(url).status_code == 200
    assert client_for(world, "chuyenvien").get(url).status_code == 200
    assert client_for(world, "chuyenvien2").get(url).status_code == 404
    assert client_for(world, "giaovien").get(url).status_code == 404
