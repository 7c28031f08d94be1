"""The entry grid page and its JSON save endpoint; the parent's read-only published view."""

from __future__ import annotations

import json

import pytest

from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of

pytestmark = pytest.mark.django_db


def _post(client, lop, sheet, cells):
    return client.post(
        f"/so-diem/lop/{lop.pk}/nhap/{sheet}/luu/",
        data=json.dumps({"cells": cells}),
        content_type="application/json",
    )


def test_grid_page_for_assigned_teacher(client_for, unit):
    lop = unit("th1.1A")
    teacher = teacher_of(lop, "toan")
    response = client_for(teacher.username).get(f"/so-diem/lop/{lop.pk}/nhap/toan/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-kind="level"') == 24 * 4 and body.count('data-kind="score_int"') == 48
    assert "grading/grid.js" in body and "<script>" not in body
    # giữa/cuối HK I are closed in the demo, HK II open
    pupil = first_student(lop)
    assert f'data-key="{pupil.pk}|toan|cuoi_hk1.muc"' in body
    assert "readonly" in body


def test_grid_save_normalises_and_returns_display_text(client_for, unit):
    lop = unit("th1.1A")
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    response = _post(
        client_for(teacher.username),
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


def test_grid_of_other_class_is_404(client_for, unit):
    lop = unit("th1.1A")
    client = client_for("th1.giaovien2")
    assert client.get(f"/so-diem/lop/{lop.pk}/nhap/toan/").status_code == 404
    before = snapshot(lop)
    response = _post(
        client, lop, "toan", [{"key": f"{first_student(lop).pk}|toan|cuoi_nam.muc", "value": "T"}]
    )
    assert response.status_code == 404
    assert snapshot(lop) == before


def test_principal_sees_grid_read_only(client_for, unit):
    lop = unit("th1.1A")
    client = client_for("th1.hieutruong")
    body = client.get(f"/so-diem/lop/{lop.pk}/nhap/toan/").content.decode()
    assert "chỉ đọc" in body
    response = _post(
        client, lop, "toan", [{"key": f"{first_student(lop).pk}|toan|cuoi_nam.muc", "value": "T"}]
    )
    assert response.status_code == 403


def test_parent_sees_only_published_results_of_own_child(client_for, api_for, unit):
    lop = unit("th1.1A")
    child, other = first_student(lop), first_student(lop, 1)
    api = api_for("ph.hs1")
    data = api.get(f"/api/v1/students/{child.pk}/results/").json()
    assert [r["term"] for r in data["results"]] == ["HK1"]  # HK II / year not published
    toan = data["results"][0]["row"]["subjects"]["toan"]["result"]
    assert toan["diem"] == cell(child, "toan", "cuoi_hk1.diem")
    assert api.get(f"/api/v1/students/{other.pk}/results/").status_code == 404
    page = client_for("ph.hs1").get(f"/so-diem/con-toi/{child.pk}/")
    assert page.status_code == 200 and "Học kì I" in page.content.decode()
    assert client_for("ph.hs1").get(f"/so-diem/lop/{lop.pk}/").status_code == 404
    assert api.get(f"/api/v1/classes/{lop.pk}/gradebook/?term=HK1").status_code == 404


def test_parent_sees_nothing_before_publication(api_for, unit, demo_user):
    from hoso.grading.models import Publication

    Publication.objects.all().delete()
    child = first_student(unit("th1.1A"))
    data = api_for("ph.hs1").get(f"/api/v1/students/{child.pk}/results/").json()
    assert data["results"] == []


def test_publish_only_by_leaders(client_for, unit):
    from hoso.grading.models import Publication

    lop = unit("th1.1A")
    client_for("th1.giaovien1").post(f"/so-diem/lop/{lop.pk}/cong-bo/", {"term": "HK2"})
    assert not Publication.objects.filter(school_class=lop, term="HK2").exists()
    client_for("th1.phohieutruong").post(f"/so-diem/lop/{lop.pk}/cong-bo/", {"term": "HK2"})
    assert Publication.objects.filter(school_class=lop, term="HK2").exists()


@pytest.mark.parametrize("path", ["", "lop/{pk}/", "dieu-chinh/", "mo-so/", "lop/{pk}/hoc-ba/"])
def test_pages_render_for_principal(client_for, unit, path):
    lop = unit("th1.1A")
    response = client_for("th1.hieutruong").get("/so-diem/" + path.format(pk=lop.pk))
    assert response.status_code == 200
