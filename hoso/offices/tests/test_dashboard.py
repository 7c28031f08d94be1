"""The operations dashboard: the Sở sees the province by Phòng, drills down to schools,
charts get their data as JSON, alerts below the threshold, Excel export, no peeking."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.offices import dashboard
from hoso.org.models import Unit
from hoso.signing.models import SignatureRecord

pytestmark = pytest.mark.django_db


def _chart(response) -> dict:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found
    return json.loads(found.group(1))


def test_the_so_sees_the_province_by_phong_with_chart_data(client_for):
    response = client_for("so.chuyenvien").get(reverse("offices:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in body and "offices/dashboard.js" in body
    data = _chart(response)
    assert data["units"] == ["Phòng GDĐT Huyện An Phú", "Phòng GDĐT Huyện Bình Minh"]
    assert len(data["weeks"]) == len(data["due"]) == len(data["submitted"]) > 0


def test_drill_down_to_a_phong_shows_its_schools(client_for):
    phong = Unit.objects.get(code="PGD-1")
    response = client_for("so.chuyenvien").get(reverse("offices:dashboard"), {"unit": phong.pk})
    assert sorted(_chart(response)["units"]) == sorted(
        ["Trường Tiểu học Nguyễn Du", "Trường THCS Lê Quý Đôn", "Trường Mầm non Hoa Sen"]
    )
    body = response.content.decode()
    assert "văn bản chỉ đạo đã mở" in body


def test_alerts_follow_the_threshold(client_for, settings):
    settings.HOSO_OFFICES_ALERT_PERCENT = 101  # every unit with items owed is behind
    body = client_for("so.chuyenvien").get(reverse("offices:dashboard")).content.decode()
    assert "Cảnh báo: dưới ngưỡng (101% hồ sơ đã nộp" in body
    settings.HOSO_OFFICES_ALERT_PERCENT = 0
    settings.HOSO_OFFICES_ALERT_GRADEBOOK_PERCENT = 0
    body = client_for("so.chuyenvien").get(reverse("offices:dashboard")).content.decode()
    assert "Cảnh báo" not in body


def test_a_phong_does_not_see_another_phong(client_for):
    other = Unit.objects.get(code="PGD-1")
    response = client_for("phong2.chuyenvien").get(reverse("offices:dashboard"), {"unit": other.pk})
    assert response.status_code == 404
    assert client_for("th1.giaovien1").get(reverse("offices:dashboard")).status_code == 404


def test_excel_export(client_for):
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client_for("phong1.chuyenvien").get(reverse("offices:dashboard-export"))
    assert response.status_code == 200
    exported = AuditEntry.objects.filter(seq__gt=start, action="offices.dashboard.exported")
    assert [(e.actor_name, e.unit_id) for e in exported] == [
        ("phong1.chuyenvien", Unit.objects.get(code="PGD-1").pk)
    ]
    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book["Tình hình"].iter_rows()]
    assert rows[0][0] == "Phòng GDĐT Huyện An Phú — năm học 2025-2026"
    assert rows[1][0] == "Đơn vị"
    assert {r[0] for r in rows[2:-1]} == {
        "Trường Tiểu học Nguyễn Du",
        "Trường THCS Lê Quý Đôn",
        "Trường Mầm non Hoa Sen",
    }
    th1 = next(r for r in rows if r[0] == "Trường Tiểu học Nguyễn Du")
    # demo: directives received 3 (Phòng, Sở, the biên bản), opened 1; reports asked 2, sent 1
    assert th1[7:11] == [1, 3, 1, 2]
    # signatures made since Monday on th1's records of the year (the demo signs as it loads)
    monday = dashboard.week_start(timezone.now())
    signed = SignatureRecord.objects.filter(
        version__record__school__code="TH1", signed_at__gte=monday
    ).filter(version__record__school_year__is_current=True)
    assert rows[1][6] == "Đã ký tuần này" and th1[6] == signed.count() > 0
