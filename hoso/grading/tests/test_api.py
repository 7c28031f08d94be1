"""API: classes by policy, gradebook numbers exact, entries, windows and corrections."""

from __future__ import annotations

import pytest

from hoso.grading.models import CorrectionRequest
from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of
from hoso.grading.tests.factories import (
    ALL_CLASSES,
    gradebook_as_in_the_demo,
    gradebook_world,
    open_window,
)
from tests.factories import api_login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    return gradebook_as_in_the_demo("th1.1A", "th1.1B", "thcs1.8A", pupils=8)


@pytest.fixture
def province():
    """Every class of the demo, one pupil each, no entries: who sees which classes."""
    return gradebook_world(*ALL_CLASSES, pupils=1)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("th1.giaovien1", ["Lớp 1A"]),
        ("th1.giaovien2", ["Lớp 1B"]),
        ("th1.totruong", ["Lớp 1A", "Lớp 1B", "Lớp 2A", "Lớp 3A", "Lớp 4A", "Lớp 5A"]),
        ("th1.hieutruong", ["Lớp 1A", "Lớp 1B", "Lớp 2A", "Lớp 3A", "Lớp 4A", "Lớp 5A"]),
        ("th2.giaovien1", []),
        ("ph.hs1", []),
    ],
)
def test_classes_the_caller_may_see(province, username, expected):
    response = api_login(province.people[username]).get("/api/v1/classes/")
    assert response.status_code == 200
    assert sorted(c["name"] for c in response.json()) == expected


def test_inspectors_see_classes_below_them_and_no_kindergarten(province):
    phong1 = api_login(province.people["phong1.chuyenvien"]).get("/api/v1/classes/").json()
    assert len(phong1) == 10  # th1 (6) + thcs1 (4); mn1 has no gradebook
    assert len(api_login(province.people["phong2.chuyenvien"]).get("/api/v1/classes/").json()) == 5
    assert len(api_login(province.people["so.chuyenvien"]).get("/api/v1/classes/").json()) == 15


def _save(api, lop, sheet, pupil, values):
    cells = [{"student": pupil.pk, "area": sheet, "slot": k, "value": v} for k, v in values.items()]
    return api.post(f"/api/v1/classes/{lop.pk}/entries/{sheet}/", {"cells": cells}, format="json")


def test_gradebook_worked_example_7_1(world):
    lop = world.units["thcs1.8A"]  # Công nghệ 8: 52 tiết/năm ⇒ 3 ĐĐGtx
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    api = api_login(teacher)
    open_window(world, "thcs1", "hk1")
    hk1 = {"hk1.tx1": "8", "hk1.tx2": "7", "hk1.tx3": "9", "hk1.gk": "6", "hk1.ck": "7"}
    hk2 = {"hk2.tx1": "8", "hk2.tx2": "8", "hk2.tx3": "8", "hk2.gk": "8", "hk2.ck": "8"}
    assert _save(api, lop, "cong_nghe", pupil, hk1).status_code == 200
    assert _save(api, lop, "cong_nghe", pupil, hk2).status_code == 200
    book = api.get(f"/api/v1/classes/{lop.pk}/gradebook/?term=HK1").json()
    row = next(r for r in book["students"] if r["student"]["id"] == pupil.pk)
    subject = row["subjects"]["cong_nghe"]
    assert subject["result"] == {"HK1": "7.1", "HK2": "8.0", "CN": "7.7", "nhan_xet": None}
    assert subject["entries"]["hk1.tx2"] == "7" and subject["entries"]["hk1.ck"] == "7"
    assert book["term"] == "HK1" and book["level"] == "THCS_THPT"


def test_gradebook_primary_raw_and_computed(world):
    lop = world.units["th1.1A"]
    pupil = first_student(lop)
    book = (
        api_login(world.people["th1.hieutruong"])
        .get(f"/api/v1/classes/{lop.pk}/gradebook/?term=HK1")
        .json()
    )
    row = next(r for r in book["students"] if r["student"]["id"] == pupil.pk)
    assert row["subjects"]["toan"]["result"]["muc"] == cell(pupil, "toan", "cuoi_hk1.muc")
    assert row["subjects"]["toan"]["result"]["diem"] == cell(pupil, "toan", "cuoi_hk1.diem")
    assert row["traits"]["yeu_nuoc"]["muc"] == cell(pupil, "pcnl.yeu_nuoc", "cuoi_hk1.muc")
    year = (
        api_login(world.people["th1.hieutruong"])
        .get(f"/api/v1/classes/{lop.pk}/gradebook/?term=CN")
        .json()
    )
    rows = {r["student"]["id"]: r for r in year["students"]}
    overall = rows[first_student(lop, 1).pk]["overall"]  # demo: year end not entered yet
    assert overall["result"] is None and "mức đạt được môn Tiếng Việt" in overall["missing"]
    # The demo entered every year-end assessment of the first pupil (its học bạ is issued).
    assert rows[pupil.pk]["overall"]["result"] == "hoan_thanh_xuat_sac"


@pytest.mark.parametrize(
    "username", ["th1.giaovien2", "th2.giaovien1", "thcs1.hieutruong", "ph.hs1"]
)
def test_other_class_or_school_gets_404(world, username):
    lop = world.units["th1.1A"]
    response = api_login(world.people[username]).get(
        f"/api/v1/classes/{lop.pk}/gradebook/?term=HK1"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_term_is_a_vietnamese_400(world):
    response = api_login(world.people["th1.hieutruong"]).get(
        f"/api/v1/classes/{world.units['th1.1A'].pk}/gradebook/?term=X"
    )
    assert response.status_code == 400 and "HK1" in response.json()["message"]


def test_entries_post_bad_value_400_nothing_changes(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    before = snapshot(lop)
    response = _save(api_login(teacher), lop, "toan", pupil, {"cuoi_nam.diem": "7.5"})
    assert response.status_code == 400
    assert "số nguyên" in response.json()["fields"][f"{pupil.pk}|toan|cuoi_nam.diem"][0]
    assert snapshot(lop) == before


def test_entries_read_by_inspector_write_refused(world):
    lop = world.units["th1.1A"]
    api = api_login(world.people["phong1.chuyenvien"])
    response = api.get(f"/api/v1/classes/{lop.pk}/entries/toan/")
    assert response.status_code == 200 and response.json()["cells"]
    before = snapshot(lop)
    assert _save(api, lop, "toan", first_student(lop), {"cuoi_nam.muc": "T"}).status_code == 403
    assert snapshot(lop) == before


def test_windows_and_corrections_through_api(world):
    ht = api_login(world.people["th1.hieutruong"])
    school = world.units["th1"]
    created = ht.post(
        "/api/v1/grading/windows/",
        {
            "school": school.pk,
            "checkpoint": "cuoi_nam",
            "grade": 5,
            "reason": "Mở sổ cuối năm khối 5",
        },
        format="json",
    )
    assert created.status_code == 201
    closed = ht.post(
        f"/api/v1/grading/windows/{created.json()['id']}/close/",
        {"reason": "Khóa sổ cuối năm khối 5"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert (
        api_login(world.people["th1.giaovien1"])
        .post(
            "/api/v1/grading/windows/", {"school": school.pk, "reason": "Tự mở sổ"}, format="json"
        )
        .status_code
        == 403
    )
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 7)
    req = api_login(teacher).post(
        "/api/v1/grading/corrections/",
        {
            "school_class": lop.pk,
            "sheet": "toan",
            "student": pupil.pk,
            "area": "toan",
            "slot": "cuoi_hk1.muc",
            "new_value": "C" if cell(pupil, "toan", "cuoi_hk1.muc") != "C" else "T",
            "reason": "Nhập nhầm mức",
        },
        format="json",
    )
    assert req.status_code == 201, req.json()
    pending = ht.get("/api/v1/grading/corrections/?status=pending").json()
    assert req.json()["id"] in [p["id"] for p in pending]
    assert (
        api_login(world.people["th1.giaovien2"])
        .post(f"/api/v1/grading/corrections/{req.json()['id']}/approve/")
        .status_code
        == 404
    )
    done = ht.post(
        f"/api/v1/grading/corrections/{req.json()['id']}/approve/",
        {"note": "Đồng ý"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert cell(pupil, "toan", "cuoi_hk1.muc") == req.json()["new_value"]
    assert (
        CorrectionRequest.objects.get(pk=req.json()["id"]).decided_by
        == world.people["th1.hieutruong"]
    )
