"""The demo's report requests, directives and inspection, as the Phòng finds them.

Needs the demo province: these tests check what the demo's offices steps sent, answered, signed
and left owing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hoso.offices.models import Inspection, InspectionState, ReportAssignment, ReportRequest
from hoso.offices.selectors import report_status
from hoso.offices.tests.factories import user
from hoso.org.models import Unit
from hoso.records.models import RecordState

pytestmark = pytest.mark.django_db


def test_the_demo_request_has_an_on_time_a_late_and_a_missing_school():
    request = ReportRequest.objects.get(title="Báo cáo sơ kết học kỳ I — số liệu học sinh")
    status = report_status(request)
    assert sorted(r.unit.code for r in status.submitted) == ["TH1", "THCS1"]
    assert [r.unit.code for r in status.late] == ["THCS1"]
    assert [r.unit.code for r in status.missing] == ["MN1"]
    th1 = next(r for r in status.submitted if r.unit.code == "TH1")
    assert th1.figures[request.cells[0]] == 144.0  # six classes of 24 pupils, from HoSo's data


def test_the_office_is_told_on_its_home_page_who_has_not_reported_or_answered(client_for):
    """The demo's reports and directives were due before today: the Phòng's specialist sees
    the units still owing them first thing; a school teacher sees no such task."""
    from hoso.core.home import tasks_for
    from hoso.offices.models import DirectiveRecipient

    phong = Unit.objects.get(code="PGD-1")
    now = timezone.now()
    missing = ReportAssignment.objects.filter(
        request__office=phong, request__deadline__lt=now, request__school_year__is_current=True
    ).exclude(state="submitted")
    silent = DirectiveRecipient.objects.filter(
        directive__office=phong,
        directive__reply_due_at__lt=now,
        directive__school_year__is_current=True,
        answered_at__isnull=True,
    ).exclude(directive__reply_kind="none")
    found = {t.title: t.count for t in tasks_for(user("phong1.chuyenvien"))}
    expected = {
        "Đôn đốc báo cáo quá hạn": missing.count() or None,
        "Đôn đốc phản hồi văn bản chỉ đạo": silent.count() or None,
    }
    assert {k: found.get(k) for k in expected} == expected
    assert any(expected.values())
    page = client_for("phong1.chuyenvien").get("/").content.decode()
    assert "Đôn đốc" in page
    assert not [t for t in tasks_for(user("th1.giaovien1")) if t.title.startswith("Đôn đốc")]


def test_the_demo_inspection_was_sent_signed():
    inspection = Inspection.objects.get(title="hồ sơ chuyên môn học kỳ I")
    assert inspection.state == InspectionState.SENT
    assert inspection.minutes.state == RecordState.ISSUED
    assert list(inspection.minutes.versions.get().signatures.values_list("role", flat=True)) == [
        "CV_PHONG"
    ]


def test_the_demo_parent_sees_the_phongs_notice_meant_for_parents(client_for):
    """ph.hs1 (consented, child at TH Nguyễn Du) sees Phòng 1's notice also sent to parents;
    ph.hs2 (no consent yet) sees none."""
    from hoso.families.selectors import parent_directives

    assert [d.number for d in parent_directives(user("ph.hs1"))] == ["131/PGDĐT-CM"]
    assert not parent_directives(user("ph.hs2")).exists()
    page = client_for("ph.hs1").get("/phu-huynh/").content.decode()
    assert "V/v thông báo đến cha mẹ học sinh về học bạ số" in page
