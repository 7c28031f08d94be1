"""The HTTP contract of the foundation: health, schema, token, me, units, people."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from hoso.accounts.tests.factories import demo_accounts
from hoso.org.models import Staff
from hoso.org.tests.factories import StudentFactory, small_province
from tests.factories import api_login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    return small_province("oa")


def test_healthz_is_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_openapi_schema_lists_the_contract(world):
    response = api_login(world.people["th1.giaovien1"]).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    paths = (
        response.json()["paths"]
        if response["Content-Type"].startswith("application/json")
        else response.content.decode()
    )
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/units/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
    ):
        assert path in paths


def test_token_then_me_shows_the_roles(world, settings):
    settings.DEMO_MODE = True
    demo_accounts([world.people["th1.totruong"]])
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "oa.th1.totruong", "password": settings.DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "oa.th1.totruong"
    assert sorted(r["role"] for r in me["roles"]) == ["GV", "TTCM"]
    assert {r["unit_name"] for r in me["roles"]} == {"Tổ khối 1"}


def test_a_wrong_password_gets_a_vietnamese_401(world):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "oa.th1.totruong", "password": "sai-mat-khau"},
        format="json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed" and "mật khẩu" in body["message"]


def test_without_a_token_the_api_answers_401_in_vietnamese():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "Bạn cần đăng nhập hoặc gửi mã API."


def test_units_are_only_those_the_caller_may_see(world):
    api = api_login(world.people["th1.giaovien1"])
    codes = {u["code"] for u in api.get("/api/v1/units/?page_size=500").json()["results"]}
    assert {"OA-TH1", "OA-TH1-TO1", "PGD-OA1", "SO-OA"} <= codes
    assert not codes & {"OA-TH2", "OA-THCS1", "PGD-OA2"}


def test_people_lists_are_scoped_and_sorted_vietnamese_style(world):
    results = api_login(world.people["th1.giaovien1"]).get("/api/v1/people/").json()["results"]
    schools = {Staff.objects.get(pk=p["id"]).unit.school.code for p in results}
    assert schools == {"OA-TH1"}
    keys = [Staff.objects.get(pk=p["id"]).sort_key for p in results]
    assert keys == sorted(keys)


def test_a_person_of_another_school_is_404_exactly_like_a_missing_one(world):
    api = api_login(world.people["th1.giaovien1"])
    other = Staff.objects.get(user=world.people["th2.giaovien1"])
    hidden = api.get(f"/api/v1/people/{other.pk}/")
    missing = api.get("/api/v1/people/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    own_school = Staff.objects.get(user=world.people["th1.giaovien2"])
    assert api.get(f"/api/v1/people/{own_school.pk}/").status_code == 200


def test_students_of_another_district_are_hidden_from_a_phong(world):
    api = api_login(world.people["phong1.chuyenvien"])
    inside = StudentFactory(school=world.units["thcs1"])
    outside = StudentFactory(school=world.units["th2"])
    assert api.get(f"/api/v1/students/{inside.pk}/").status_code == 200
    assert api.get(f"/api/v1/students/{outside.pk}/").status_code == 404
