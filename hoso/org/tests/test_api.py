"""The HTTP contract of the foundation: health, schema, token, me, units, people."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from hoso.org.models import Staff, Student, Unit

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_openapi_schema_lists_the_contract(api_for):
    response = api_for("th1.giaovien1").get("/api/v1/schema/", HTTP_ACCEPT="application/json")
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


def test_token_then_me_shows_the_roles(settings):
    settings.DEMO_MODE = True
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "th1.totruong", "password": settings.DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "th1.totruong"
    assert sorted(r["role"] for r in me["roles"]) == ["GV", "TTCM"]
    assert {r["unit_name"] for r in me["roles"]} == {"Tổ khối 1"}


def test_a_wrong_password_gets_a_vietnamese_401(settings):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "th1.totruong", "password": "sai-mat-khau"},
        format="json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed" and "mật khẩu" in body["message"]


def test_without_a_token_the_api_answers_401_in_vietnamese():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "Bạn cần đăng nhập hoặc gửi mã API."


def test_units_are_only_those_the_caller_may_see(api_for):
    codes = {
        u["code"]
        for u in api_for("th1.giaovien1").get("/api/v1/units/?page_size=500").json()["results"]
    }
    assert {"TH1", "TH1-TO1", "PGD-1", "SO-DEMO"} <= codes
    assert not codes & {"TH2", "THCS1", "PGD-2"}


def test_people_lists_are_scoped_and_sorted_vietnamese_style(api_for):
    results = api_for("th1.giaovien1").get("/api/v1/people/").json()["results"]
    schools = {Staff.objects.get(pk=p["id"]).unit.school.code for p in results}
    assert schools == {"TH1"}
    keys = [Staff.objects.get(pk=p["id"]).sort_key for p in results]
    assert keys == sorted(keys)


def test_a_person_of_another_school_is_404_exactly_like_a_missing_one(api_for):
    api = api_for("th1.giaovien1")
    other = Staff.objects.get(user__username="th2.giaovien1")
    hidden = api.get(f"/api/v1/people/{other.pk}/")
    missing = api.get("/api/v1/people/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    own_school = Staff.objects.get(user__username="th1.giaovien2")
    assert api.get(f"/api/v1/people/{own_school.pk}/").status_code == 200


def test_students_of_another_district_are_hidden_from_a_phong(api_for):
    api = api_for("phong1.chuyenvien")
    inside = Student.objects.filter(school__code="THCS1").first()
    outside = Student.objects.filter(school__code="TH2").first()
    assert api.get(f"/api/v1/students/{inside.pk}/").status_code == 200
    assert api.get(f"/api/v1/students/{outside.pk}/").status_code == 404


def test_the_demo_province_is_as_promised():
    assert Unit.objects.get(code="SO-DEMO").name == "Sở GDĐT Tỉnh Demo"
    assert Unit.objects.filter(kind="PHONG").count() == 2
    assert {u.code: u.level for u in Unit.objects.filter(kind="TRUONG")} == {
        "TH1": "TH",
        "THCS1": "THCS",
        "MN1": "MN",
        "TH2": "TH",
    }
    assert 35 <= Staff.objects.count() <= 50
    assert 380 <= Student.objects.count() <= 450
