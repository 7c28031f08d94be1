"""The inspections API (/api/v1/offices/inspections/): the whole inspection through HTTP, from
opening to the school's answer, the bad inputs that change nothing, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.offices.models import Finding, Inspection, InspectionState
from hoso.org.models import Unit

pytestmark = pytest.mark.django_db

BASE = "/api/v1/offices/inspections/"


def _open(api, **extra):
    body = {
        "school": Unit.objects.get(code="TH1").pk,
        "title": "hồ sơ học kỳ I",
        "types": ["TT28.KHBD"],
        "gradebook": True,
        "library": True,
        **extra,
    }
    return api.post(BASE, body, format="json")


def test_an_inspection_from_opening_to_the_schools_answer(api_for):
    inspector = api_for("phong1.chuyenvien")
    opened = _open(inspector)
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    assert opened.json()["state"] == InspectionState.OPEN

    detail = inspector.get(f"{BASE}{pk}/").json()
    items = [i["item"] for i in detail["items"]]
    assert items == ["type:TT28.KHBD", "gradebook", "library"]
    assert detail["progress"] and {"entered", "required_now"} <= set(detail["progress"][0])
    assert set(detail["library"]) == {"lib_copies", "lib_loans", "lib_overdue"}
    assert detail["school_answer"] is None
    evidence = [r["id"] for r in detail["items"][0]["records"]][:1]

    finding = inspector.post(
        f"{BASE}{pk}/findings/",
        {"item": "type:TT28.KHBD", "strengths": "Đúng hạn.", "evidence": evidence},
        format="json",
    )
    assert finding.status_code == 200, finding.content
    assert finding.json()["evidence"] == evidence

    minutes = inspector.post(f"{BASE}{pk}/minutes/")
    assert minutes.status_code == 201, minutes.content
    record = minutes.json()["record"]
    too_early = inspector.post(f"{BASE}{pk}/send/", {"reply_due_at": _in(5)}, format="json")
    assert too_early.status_code == 409
    assert "chưa ký xong" in too_early.json()["message"]

    signed = inspector.post(
        f"/api/v1/records/{record}/sign/", {"passphrase": settings.DEMO_PASSWORD}, format="json"
    )
    assert signed.status_code == 201, signed.content
    sent = inspector.post(f"{BASE}{pk}/send/", {"reply_due_at": _in(5)}, format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == InspectionState.SENT

    school = api_for("th1.hieutruong")
    row = school.get("/api/v1/offices/inbox/").json()["results"][0]
    assert row["directive"] == sent.json()["directive"]
    school.get(f"/api/v1/offices/inbox/{row['id']}/")
    answered = school.post(
        f"/api/v1/offices/inbox/{row['id']}/answer/",
        {"text": "Nhà trường tiếp thu."},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    answer = inspector.get(f"{BASE}{pk}/").json()["school_answer"]
    assert answer["answer_text"] == "Nhà trường tiếp thu."
    assert answer["first_opened_at"] and answer["answered_at"]


def _in(days: int) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"school": "TH2"}, "không thuộc phạm vi quản lý"),
        ({"types": ["KHONG.CO"]}, "Không có loại hồ sơ: KHONG.CO"),
        ({"types": [], "gradebook": False, "library": False}, "ít nhất một nội dung"),
        ({"title": "   "}, "không được bỏ trống"),
    ],
)
def test_bad_openings_say_why_and_open_nothing(api_for, extra, message):
    if extra.get("school") == "TH2":
        extra = {**extra, "school": Unit.objects.get(code="TH2").pk}
    before = Inspection.objects.count()
    answer = _open(api_for("phong1.chuyenvien"), **extra)
    assert answer.status_code == 400
    assert message in str(answer.json())
    assert Inspection.objects.count() == before


def test_bad_findings_say_why_and_save_nothing(api_for):
    inspector = api_for("phong1.chuyenvien")
    pk = _open(inspector, library=False).json()["id"]
    audited = AuditEntry.objects.count()
    cases = [
        ({"item": "library", "strengths": "x"}, "không thuộc nội dung kiểm tra"),
        ({"item": "gradebook"}, "ít nhất một nội dung kết luận"),
        ({"item": "gradebook", "strengths": "x", "evidence": [2**40]}, "Minh chứng phải là"),
    ]
    for body, message in cases:
        answer = inspector.post(f"{BASE}{pk}/findings/", body, format="json")
        assert answer.status_code == 400, body
        assert message in str(answer.json()), answer.json()
    assert not Finding.objects.filter(inspection_id=pk).exists()
    assert inspector.post(f"{BASE}{pk}/minutes/").status_code == 400
    assert AuditEntry.objects.count() == audited


def test_only_the_office_and_the_school_see_it(api_for):
    pk = _open(api_for("phong1.chuyenvien")).json()["id"]
    for username in ("thcs1.hieutruong", "th2.hieutruong", "phong2.chuyenvien", "th1.giaovien1"):
        client = api_for(username)
        assert client.get(f"{BASE}{pk}/").status_code == 404, username
        assert pk not in [r["id"] for r in client.get(BASE).json()["results"]], username
    assert api_for("so.chuyenvien").get(f"{BASE}{pk}/").status_code == 200
    school = api_for("th1.hieutruong")
    assert school.get(f"{BASE}{pk}/").status_code == 200
    refused = school.post(f"{BASE}{pk}/findings/", {"item": "gradebook", "strengths": "x"})
    assert refused.status_code == 403
    assert not Finding.objects.filter(inspection_id=pk).exists()


def test_a_schools_gradebook_progress(api_for):
    school = Unit.objects.get(code="TH1")
    url = f"/api/v1/offices/schools/{school.pk}/progress/"
    rows = api_for("th1.hieutruong").get(url)
    assert rows.status_code == 200
    assert rows.json() and all(0 <= r["entered"] <= r["required_now"] for r in rows.json())
    assert api_for("phong1.chuyenvien").get(url).json() == rows.json()
    for username in ("phong2.chuyenvien", "th1.giaovien1", "th2.hieutruong"):
        assert api_for(username).get(url).status_code == 404, username
