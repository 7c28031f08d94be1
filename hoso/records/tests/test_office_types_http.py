"""The page (/ho-so/loai-ho-so/) and the API (/api/v1/office-record-types/) of the record types
offices define, in a province whose Sở has defined one type for its schools: the Sở defines,
the Phòng (not allowed by that Sở) reads, a school is not let in; bad input answers in
Vietnamese and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.records.models import RecordType
from hoso.records.services.office_types import office_type_create
from hoso.records.tests.factories import fields, offices_world
from tests.factories import World, api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

SO_TYPE_NAME = "Báo cáo công tác bảo đảm an toàn trường học (theo yêu cầu của Sở)"


@pytest.fixture
def world(settings: Any) -> World:
    """Sở "a" with two Phòng, the first with the school (offices_world), and a type of its own
    for the schools below it, kept by each school, as a Sở defines one."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the offices' pages without a phone at hand
    world, _ = offices_world()
    office_type_create(
        actor=world.people["so"],
        unit=world.units["so"],
        fields=fields(
            name=SO_TYPE_NAME,
            levels=["MN", "TH", "THCS", "THPT"],
            period="TERM",
            due_rule="term_end_7",
            required=False,
        ),
        effective_from=timezone.localdate(),
    )
    return world


def client_for(world: World, key: str) -> Any:
    return login(world.people[key])


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


LIST = "/ho-so/loai-ho-so/"
API = "/api/v1/office-record-types/"


def _counts() -> tuple[int, int]:
    return RecordType.objects.count(), AuditEntry.objects.count()


def _form(**changes: object) -> dict[str, object]:
    return {
        "name": "Sổ theo dõi phòng chống thiên tai",
        "levels": ["TH", "THCS"],
        "keeper": "SCHOOL",
        "period": "YEAR",
        "due_rule": "year_end",
        "retention_years": "10",
        "formats": ["pdf"],
        "legal_source": "Kế hoạch của Sở",
        "effective_from": timezone.localdate().isoformat(),
        **changes,
    }


def test_the_so_sees_its_own_type_and_may_add(world):
    response = client_for(world, "so").get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert SO_TYPE_NAME in page and "Thêm loại hồ sơ" in page
    assert 'data-label="Loại hồ sơ"' in page  # cards at 390 px


def test_the_phong_reads_but_may_not_add_and_a_school_is_not_let_in(world):
    phong = client_for(world, "chuyenvien")
    page = phong.get(LIST).content.decode()
    assert SO_TYPE_NAME in page and "Sở GDĐT chưa cho phép Phòng" in page
    assert phong.get(LIST + "them/").status_code == 404
    assert client_for(world, "hieutruong").get(LIST).status_code == 404


def test_bad_input_on_the_page_is_named_and_saves_nothing(world):
    client = client_for(world, "so")
    counts = _counts()
    response = client.post(LIST + "them/", _form(name="", keeper="KHAC"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy nhập tên loại hồ sơ." in page and "Người lưu giữ không hợp lệ" in page
    assert _counts() == counts


def test_the_so_adds_a_type_on_the_page_and_sees_its_history(world):
    client = client_for(world, "so")
    response = client.post(LIST + "them/", _form())
    assert response.status_code == 302
    added = RecordType.objects.get(name="Sổ theo dõi phòng chống thiên tai")
    assert added.owner_unit == world.units["so"] and added.levels == ["TH", "THCS"]
    detail = client.get(response["Location"]).content.decode()
    assert "bổ sung" in detail and "Ngừng áp dụng" in detail
    assert client.post(f"{LIST}{added.pk}/ngung/").status_code == 302
    assert not RecordType.objects.get(pk=added.pk).is_active


def test_adapting_a_catalogue_type_on_the_page(world):
    client = client_for(world, "so")
    base = RecordType.objects.get(code="TT28.KHBD")
    form = client.get(f"{LIST}{base.pk}/dieu-chinh/")
    assert form.status_code == 200 and base.name in form.content.decode()
    start = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        f"{LIST}{base.pk}/dieu-chinh/",
        _form(
            name="Kế hoạch bài dạy (Sở)",
            keeper="TEACHER",
            period="WEEK",
            due_rule="week_monday_7",
            levels=["TH"],
            retention_years="5",
            effective_from=start.isoformat(),
        ),
    )
    assert response.status_code == 302
    adapted = RecordType.objects.get(adapts=base)
    assert adapted.effective_from == start and adapted.name == "Kế hoạch bài dạy (Sở)"
    page = client.get(LIST).content.decode()
    assert "Từ ngày" in page and start.strftime("%d/%m/%Y") in page


def test_the_api_creates_adapts_and_retires(world):
    api = api_for(world, "so")
    so = world.units["so"]
    today = timezone.localdate().isoformat()
    body = {**_form(), "unit": so.pk, "retention_years": 10, "required": False}
    created = api.post(API, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["owner_unit"] == so.pk and created.json()["history"][0]["action"] == (
        "defined"
    )
    pk = created.json()["id"]
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    changed = api.post(f"{API}{pk}/adapt/", {"formats": ["pdf", "xlsx"], "effective_from": later})
    assert changed.status_code == 201, changed.content
    assert changed.json()["adapts"] == pk and changed.json()["formats"] == ["pdf", "xlsx"]
    listed = api.get(API, {"unit": so.pk}).json()
    states = {row["id"]: row["state"] for row in listed["types"]}
    assert states[pk] == "in_force" and states[changed.json()["id"]] == "from"
    assert api.post(f"{API}{pk}/retire/").status_code == 409  # its change first
    assert api.post(f"{API}{changed.json()['id']}/retire/").status_code == 200
    assert api.post(f"{API}{pk}/retire/").json()["is_active"] is False
    base = RecordType.objects.get(code="TT28.KHBD")
    short = api.post(f"{API}{base.pk}/adapt/", {"retention_years": 1, "effective_from": today})
    assert short.status_code == 400
    assert short.json()["fields"]["retention_years"] == [
        "Thời hạn lưu trữ không được ngắn hơn mức tối thiểu theo quy định (5 năm)."
    ]


def test_the_page_and_the_api_retire_from_a_later_day(world):
    so = world.units["so"]
    api = api_for(world, "so")
    body = {**_form(), "unit": so.pk, "retention_years": 10, "required": False}
    pk = api.post(API, body, format="json").json()["id"]
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    counts = _counts()
    refused = api.post(f"{API}{pk}/retire/", {"retire_from": past}, format="json")
    assert refused.status_code == 400
    assert "không được trước hôm nay" in refused.json()["fields"]["retire_from"][0]
    assert _counts() == counts
    stop = timezone.localdate() + dt.timedelta(days=30)
    page = client_for(world, "so")
    answer = page.post(f"{LIST}{pk}/ngung/", {"retire_from": stop.isoformat()})
    assert answer.status_code == 302
    row = RecordType.objects.get(pk=pk)
    assert row.is_active and row.retired_from == stop
    detail = page.get(f"{LIST}{pk}/").content.decode()
    assert f"Ngừng áp dụng từ {stop:%d/%m/%Y}" in detail
    listed = api.get(API, {"unit": so.pk}).json()
    assert {r["id"]: r["state"] for r in listed["types"]}[pk] == "until"


def test_the_api_refuses_the_phong_in_vietnamese_and_saves_nothing(world):
    api = api_for(world, "chuyenvien")
    phong = world.units["phong"]
    counts = _counts()
    body = {**_form(), "unit": phong.pk, "retention_years": 10}
    response = api.post(API, body, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Sở GDĐT chưa cho phép Phòng tự quy định loại hồ sơ cho các trường trực thuộc."
    )
    other = api.post(API, {**body, "unit": world.units["phong2"].pk}, format="json")
    assert other.status_code == 404
    assert _counts() == counts


def test_the_so_lets_the_phong_define(world):
    so = world.units["so"]
    phong = world.units["phong"]
    refused = api_for(world, "chuyenvien").put(
        f"{API}delegation/{so.pk}/", {"allow_phong": True}, format="json"
    )
    assert refused.status_code == 404
    allowed = api_for(world, "so").put(
        f"{API}delegation/{so.pk}/", {"allow_phong": True}, format="json"
    )
    assert allowed.status_code == 200
    body = {**_form(), "unit": phong.pk, "retention_years": 10}
    created = api_for(world, "chuyenvien").post(API, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["owner_unit"] == phong.pk


def test_a_school_below_the_so_is_offered_its_type_in_the_upload_form(world):
    page = client_for(world, "vanthu").get("/ho-so/tai-len/").content.decode()
    assert SO_TYPE_NAME in page
    teacher = client_for(world, "giaovien").get("/ho-so/tai-len/").content.decode()
    assert SO_TYPE_NAME not in teacher  # kept by the school, not by a teacher
