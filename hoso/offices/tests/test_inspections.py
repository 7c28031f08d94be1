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
from hoso.offices.tests.factories import user
from hoso.org.models import SchoolYear, Unit
from hoso.records.models import Record, RecordState
from hoso.records.services.signing import version_sign

pytestmark = pytest.mark.django_db


def _open(**extra) -> Inspection:
    values = {
        "actor": user("phong1.chuyenvien"),
        "office": Unit.objects.get(code="PGD-1"),
        "school_id": Unit.objects.get(code="TH1").pk,
        "title": "hồ sơ học kỳ I",
        "type_codes": ["TT28.KHBD"],
        "gradebook": True,
    }
    return inspections.inspection_open(**{**values, **extra})


def test_the_whole_inspection_ends_with_the_schools_answer(client_for):
    inspection = _open()
    read = Record.objects.filter(
        school__code="TH1", record_type__code="TT28.KHBD", first_submitted_at__isnull=False
    ).first()
    page = client_for("phong1.chuyenvien").get(reverse("offices:inspection", args=[inspection.pk]))
    assert page.status_code == 200
    evidence = [read.pk] if read else []
    inspections.finding_save(
        actor=user("phong1.chuyenvien"),
        inspection_id=inspection.pk,
        item="type:TT28.KHBD",
        strengths="Đúng hạn.",
        evidence=evidence,
    )
    minutes = inspections.minutes_draw_up(
        actor=user("phong1.chuyenvien"), inspection_id=inspection.pk
    )
    assert minutes.record_type.code == "VP.PHONG.BBKT"
    assert minutes.school.code == "PGD-1"
    with pytest.raises(Conflict, match="chưa ký xong"):
        inspections.minutes_send(
            actor=user("phong1.chuyenvien"),
            inspection_id=inspection.pk,
            reply_due_at=timezone.now() + dt.timedelta(days=5),
        )
    version_sign(
        actor=user("phong1.chuyenvien"), record_id=minutes.pk, passphrase=settings.DEMO_PASSWORD
    )
    minutes.refresh_from_db()
    assert minutes.state == RecordState.ISSUED
    sent = inspections.minutes_send(
        actor=user("phong1.chuyenvien"),
        inspection_id=inspection.pk,
        reply_due_at=timezone.now() + dt.timedelta(days=5),
    )
    assert sent.state == InspectionState.SENT
    row = sent.directive.recipients.get()
    assert row.unit.code == "TH1"
    directives.directive_answer(
        actor=user("th1.hieutruong"), recipient_id=row.pk, text="Nhà trường tiếp thu."
    )
    page = client_for("th1.hieutruong").get(reverse("offices:inspection", args=[inspection.pk]))
    assert "Nhà trường tiếp thu." in page.content.decode()


def test_a_school_outside_the_phong_cannot_be_inspected():
    with pytest.raises(DomainError, match="không thuộc phạm vi quản lý"):
        _open(school_id=Unit.objects.get(code="TH2").pk)


def test_findings_only_by_the_office_and_only_for_the_scope():
    inspection = _open()
    with pytest.raises(NotAllowed):
        inspections.finding_save(
            actor=user("th1.hieutruong"),
            inspection_id=inspection.pk,
            item="gradebook",
            strengths="x",
        )
    with pytest.raises(DomainError, match="không thuộc nội dung kiểm tra"):
        inspections.finding_save(
            actor=user("phong1.chuyenvien"),
            inspection_id=inspection.pk,
            item="library",
            strengths="x",
        )
    other = Record.objects.filter(school__code="TH2").first()
    if other is not None:
        with pytest.raises(DomainError, match="Minh chứng phải là hồ sơ của trường"):
            inspections.finding_save(
                actor=user("phong1.chuyenvien"),
                inspection_id=inspection.pk,
                item="gradebook",
                strengths="x",
                evidence=[other.pk],
            )
    assert not inspection.findings.exists()


def test_other_schools_and_districts_do_not_see_it(client_for):
    inspection = _open()
    url = reverse("offices:inspection", args=[inspection.pk])
    for username in ("thcs1.hieutruong", "th2.hieutruong", "phong2.chuyenvien", "th1.giaovien1"):
        assert client_for(username).get(url).status_code == 404
    assert client_for("so.chuyenvien").get(url).status_code == 200


def test_gradebook_progress_counts_cells_due_by_now(client_for):
    school = Unit.objects.get(code="TH1")
    year = SchoolYear.objects.get(is_current=True)
    before = school_progress(school, year, today=year.start_date)
    assert before and all(r.required_now == 0 and r.percent == 100 for r in before)
    after = school_progress(school, year, today=year.end_date + dt.timedelta(days=1))
    assert all(r.required_now == r.required_year > 0 for r in after)
    assert all(0 <= r.entered <= r.required_now for r in after)
    url = reverse("offices:progress", args=[school.pk])
    assert client_for("th1.hieutruong").get(url).status_code == 200
    assert client_for("phong1.chuyenvien").get(url).status_code == 200
    assert client_for("phong2.chuyenvien").get(url).status_code == 404
    assert client_for("th1.giaovien1").get(url).status_code == 404


def test_the_demo_inspection_was_sent_signed():
    inspection = Inspection.objects.get(title="hồ sơ chuyên môn học kỳ I")
    assert inspection.state == InspectionState.SENT
    assert inspection.minutes.state == RecordState.ISSUED
    assert list(inspection.minutes.versions.get().signatures.values_list("role", flat=True)) == [
        "CV_PHONG"
    ]
