"""The operations dashboard: the Sở sees the province by Phòng, drills down to schools,
charts get their data as JSON, alerts below the threshold, Excel export, no peeking. The
province is a province_world whose schools owe the year's due items; the school has received
a directive from its Phòng and one from the Sở (one opened), was asked for two reports (one
sent), and its lesson plan was signed this week."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.offices import dashboard
from hoso.offices.services import directives, reports
from hoso.offices.tests.factories import directive
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services.deadlines import due_items_generate
from hoso.records.tests.helpers import sign_and_submit, upload
from hoso.signing.models import SignatureRecord
from tests.factories import World, login, province_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings) -> World:
    """The province of the module docstring."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the offices' pages without a phone at hand
    world = with_certificates(province_world("db"), ["giaovien2"])
    people, units = world.people, world.units
    schools = [units[key] for key in ("school", "thcs", "school2")]
    due_items_generate(school_year=world.year, schools=schools)
    to_school = [directive(world), directive(world, by="so", office="so")]
    opened = to_school[0].recipients.get(unit=units["school"])
    directives.directive_open(actor=people["hieutruong"], recipient_id=opened.pk)
    for n in range(2):
        request = reports.report_request_create(
            actor=people["chuyenvien"],
            office=units["phong"],
            title=f"Báo cáo số {n + 1}",
            deadline=timezone.now() + dt.timedelta(days=5),
            template_kind="document",
            audience="all",
        )
        if n == 0:
            reports.report_submit(
                actor=people["hieutruong"],
                assignment_id=request.units.get(unit=units["school"]).pk,
                upload=reports.FileIn(simple_pdf("Báo cáo"), "bc.pdf"),
            )
    record_id = upload(people["giaovien2"], period="W30").record_id
    sign_and_submit(people["giaovien2"], record_id)  # signed this week
    return world


def client_for(world: World, key: str):
    return login(world.people[key])


def _chart(response) -> dict:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found
    return json.loads(found.group(1))


def test_the_so_sees_the_province_by_phong_with_chart_data(world):
    response = client_for(world, "so").get(reverse("offices:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in body and "offices/dashboard.js" in body
    data = _chart(response)
    assert data["units"] == ["Phòng GDĐT thứ hai", "Phòng GDĐT thử"]  # by name
    assert len(data["weeks"]) == len(data["due"]) == len(data["submitted"]) > 0


def test_drill_down_to_a_phong_shows_its_schools(world):
    phong = world.units["phong"]
    response = client_for(world, "so").get(reverse("offices:dashboard"), {"unit": phong.pk})
    assert sorted(_chart(response)["units"]) == sorted(["Trường thử", "Trường THCS thử"])
    body = response.content.decode()
    assert "văn bản chỉ đạo đã mở" in body


def test_alerts_follow_the_threshold(world, settings):
    settings.HOSO_OFFICES_ALERT_PERCENT = 101  # every unit with items owed is behind
    body = client_for(world, "so").get(reverse("offices:dashboard")).content.decode()
    assert "Cảnh báo: dưới ngưỡng (101% hồ sơ đã nộp" in body
    settings.HOSO_OFFICES_ALERT_PERCENT = 0
    settings.HOSO_OFFICES_ALERT_GRADEBOOK_PERCENT = 0
    body = client_for(world, "so").get(reverse("offices:dashboard")).content.decode()
    assert "Cảnh báo" not in body


def test_a_phong_does_not_see_another_phong(world):
    other = world.units["phong"]
    response = client_for(world, "chuyenvien2").get(
        reverse("offices:dashboard"), {"unit": other.pk}
    )
    assert response.status_code == 404
    assert client_for(world, "giaovien").get(reverse("offices:dashboard")).status_code == 404


def test_excel_export(world):
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client_for(world, "chuyenvien").get(reverse("offices:dashboard-export"))
    assert response.status_code == 200
    exported = AuditEntry.objects.filter(seq__gt=start, action="offices.dashboard.exported")
    assert [(e.actor_name, e.unit_id) for e in exported] == [
        ("db.chuyenvien", world.units["phong"].pk)
    ]
    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book["Tình hình"].iter_rows()]
    assert rows[0][0] == "Phòng GDĐT thử — năm học 2025-2026"
    assert rows[1][0] == "Đơn vị"
    assert {r[0] for r in rows[2:-1]} == {"Trường thử", "Trường THCS thử"}
    th1 = next(r for r in rows if r[0] == "Trường thử")
    # directives opened 1 of 2 received (the Phòng's, the Sở's); reports sent 1 of 2 asked
    assert th1[7:11] == [1, 2, 1, 2]
    # signatures made since Monday on the school's records of the year (the fixture's)
    monday = dashboard.week_start(timezone.now())
    signed = SignatureRecord.objects.filter(
        version__record__school=world.units["school"], signed_at__gte=monday
    ).filter(version__record__school_year__is_current=True)
    assert rows[1][6] == "Đã ký tuần này" and th1[6] == signed.count() > 0
