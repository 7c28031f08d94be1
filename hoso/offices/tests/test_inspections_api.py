"""The inspections API (/api/v1/offices/inspections/): the whole inspection through HTTP, from
opening to the school's answer, the bad inputs that change nothing, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.offices.models import Finding, Inspection, InspectionState
from hoso.offices.tests.factories import offices_province
from tests.factories import RecordFactory, StudentFactory, World, api_login, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

BASE = "/api/v1/offices/inspections/"


@pytest.fixture
def world() -> World:
    """A Sở whose first Phòng (its specialist holds a certificate) has the school, whose Lớp 1A
    has two pupils and whose teacher giaovien submitted a lesson plan; a THCS school beside it,
    another Phòng's school."""
    world = with_certificates(offices_province("ia"), ["chuyenvien"])
    for _ in range(2):
        StudentFactory(school_class=world.units["lop"])
    RecordFactory(owner=world.people["giaovien"], period_key="W05", submitted=True)
    return world


def api_for(world: World, key: str):
    return api_login(world.people[key])


def _open(world, api, **extra):
    body = {
        "school": world.units["school"].pk,
        "title": "hồ sơ học kỳ I",
        "types": ["TT28.KHBD"],
        "gradebook": True,
        "library": True,
        **extra,
    }
    return api.post(BASE, body, format="json")


def test_an_inspection_from_opening_to_the_schools_answer(world):
    inspector = api_for(world, "chuyenvien")
    opened = _open(world, inspector)
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

    school = api_for(world, "hieutruong")
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
def test_bad_openings_say_why_and_open_nothing(world, extra, message):
    if extra.get("school") == "TH2":  # a school of the other Phòng
        extra = {**extra, "school": world.units["school2"].pk}
    before = Inspection.objects.count()
    answer = _open(world, api_for(world, "chuyenvien"), **extra)
    assert answer.status_code == 400
    assert message in str(answer.json())
    assert Inspection.objects.count() == before


def test_bad_findings_say_why_and_save_nothing(world):
    inspector = api_for(world, "chuyenvien")
    pk = _open(world, inspector, library=False).json()["id"]
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


def test_only_the_office_and_the_school_see_it(world):
    pk = _open(world, api_for(world, "chuyenvien")).json()["id"]
    for username in ("thcs.hieutruong", "school2.hieutruong", "chuyenvien2", "giaovien"):
        client = api_for(world, username)
        assert client.get(f"{BASE}{pk}/").status_code == 404, username
        assert pk not in [r["id"] for r in client.get(BASE).json()["results"]], username
    assert api_for(world, "so").get(f"{BASE}{pk}/").status_code == 200
    school = api_for(world, "hieutruong")
    assert school.get(f"{BASE}{pk}/").status_code == 200
    refused = school.post(f"{BASE}{pk}/findings/", {"item": "gradebook", "strengths": "x"})
    assert refused.status_code == 403
    assert not Finding.objects.filter(inspection_id=pk).exists()


def test_a_schools_gradebook_progress(world):
    school = world.units["school"]
    url = f"/api/v1/offices/schools/{school.pk}/progress/"
    rows = api_for(world, "hieutruong").get(url)
    assert rows.status_code == 200
    assert rows.json() and all(0 <= r["entered"] <= r["required_now"] for r in rows.json())
    assert api_for(world, "chuyenvien").get(url).json() == rows.json()
    for username in ("chuyenvien2", "giaovien", "school2.hieutruong"):
        assert api_for(world, username).get(url).status_code == 404, username
