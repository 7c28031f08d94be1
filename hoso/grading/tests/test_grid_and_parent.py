"""The entry grid page and its JSON save endpoint; the parent's read-only published view."""

from __future__ import annotations

import json

import pytest

from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_as_in_the_demo("th1.1A")


def _post(client, lop, sheet, cells):
    return client.post(
        f"/so-diem/lop/{lop.pk}/nhap/{sheet}/luu/",
        data=json.dumps({"cells": cells}),
        content_type="application/json",
    )


def test_grid_page_for_assigned_teacher(world):
    lop = world.units["th1.1A"]
    teacher = teacher_of(lop, "toan")
    response = login(teacher).get(f"/so-diem/lop/{lop.pk}/nhap/toan/")
    body = response.content.decode()
    assert response.status_code == 200
    # four levels and two scores a pupil, six pupils
    assert body.count('data-kind="level"') == 6 * 4 and body.count('data-kind="score_int"') == 12
    assert "grading/grid.js" in body and "<script>" not in body
    # giữa/cuối HK I are closed in the demo, HK II open
    pupil = first_student(lop)
    assert f'data-key="{pupil.pk}|toan|cuoi_hk1.muc"' in body
    assert "readonly" in body


def test_grid_save_normalises_and_returns_display_text(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    response = _post(
        login(teacher),
        lop,
        "toan",
        [
            {"key": f"{pupil.pk}|toan|cuoi_nam.muc", "value": "h"},
            {"key": f"{pupil.pk}|toan|cuoi_nam.diem", "value": "10"},
        ],
    )
    assert response.status_code == 200
    assert response.json()["saved"] == [
        {"key": f"{pupil.pk}|toan|cuoi_nam.muc", "text": "H"},
        {"key": f"{pupil.pk}|toan|cuoi_nam.diem", "text": "10"},
    ]
    assert cell(pupil, "toan", "cuoi_nam.diem") == "10"


def test_grid_of_other_class_is_404(world):
    lop = world.units["th1.1A"]
    client = login(world.people["th1.giaovien2"])
    assert client.get(f"/so-diem/lop/{lop.pk}/nhap/toan/").status_code == 404
    before = snapshot(lop)
    response = _post(
        client, lop, "toan", [{"key": f"{first_student(lop).pk}|toan|cuoi_nam.muc", "value": "T"}]
    )
    assert response.status_code == 404
    assert snapshot(lop) == before


def test_principal_sees_grid_read_only(world):
    lop = world.units["th1.1A"]
    client = login(world.people["th1.hieutruong"])
    body = client.get(f"/so-diem/lop/{lop.pk}/nhap/toan/").content.decode()
    assert "chỉ đọc" in body
    response = _post(
        client, lop, "toan", [{"key": f"{first_student(lop).pk}|toan|cuoi_nam.muc", "value": "T"}]
    )
    assert response.status_code == 403


def test_parent_sees_only_published_results_of_own_child(world):
    lop = world.units["th1.1A"]
    child, other = first_student(lop), first_student(lop, 1)
    api = api_login(world.people["ph.hs1"])
    data = api.get(f"/api/v1/students/{child.pk}/results/").json()
    assert [r["term"] for r in data["results"]] == ["HK1"]  # HK II / year not published
    toan = data["results"][0]["row"]["subjects"]["toan"]["result"]
    assert toan["diem"] == cell(child, "toan", "cuoi_hk1.diem")
    assert api.get(f"/api/v1/students/{other.pk}/results/").status_code == 404
    page = login(world.people["ph.hs1"]).get(f"/so-diem/con-toi/{child.pk}/")
    assert page.status_code == 200 and "Học kì I" in page.content.decode()
    assert login(world.people["ph.hs1"]).get(f"/so-diem/lop/{lop.pk}/").status_code == 404
    assert api.get(f"/api/v1/classes/{lop.pk}/gradebook/?term=HK1").status_code == 404


def test_parent_sees_nothing_before_publication(world):
    from hoso.grading.models import Publication

    Publication.objects.all().delete()
    child = first_student(world.units["th1.1A"])
    data = api_login(world.people["ph.hs1"]).get(f"/api/v1/students/{child.pk}/results/").json()
    assert data["results"] == []


def test_publish_only_by_leaders(world):
    from hoso.grading.models import Publication

    lop = world.units["th1.1A"]
    login(world.people["th1.giaovien1"]).post(f"/so-diem/lop/{lop.pk}/cong-bo/", {"term": "HK2"})
    assert not Publication.objects.filter(school_class=lop, term="HK2").exists()
    login(world.people["th1.phohieutruong"]).post(
        f"/so-diem/lop/{lop.pk}/cong-bo/", {"term": "HK2"}
    )
    assert Publication.objects.filter(school_class=lop, term="HK2").exists()


@pytest.mark.parametrize("path", ["", "lop/{pk}/", "dieu-chinh/", "mo-so/", "lop/{pk}/hoc-ba/"])
def test_pages_render_for_principal(world, path):
    lop = world.units["th1.1A"]
    response = login(world.people["th1.hieutruong"]).get("/so-diem/" + path.format(pk=lop.pk))
    assert response.status_code == 200
