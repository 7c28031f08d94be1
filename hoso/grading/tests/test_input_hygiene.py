"""Issue 13 items 3 and 6 on the gradebook: huge or oddly written numbers (`1e309`, `1E+400`,
thirty nines, `-0`, `1_0`) and JSON lists where an object is expected are 400 in Vietnamese,
never a 500, and change nothing — on the API, the web grid and corrections."""

from __future__ import annotations

import json

import pytest

from hoso.grading.models import CorrectionRequest, EntryWindow
from hoso.grading.rules import primary, secondary
from hoso.grading.rules.errors import InvalidScoreError
from hoso.grading.tests.conftest import first_student, snapshot, teacher_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo, open_window
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_as_in_the_demo("th1.1A", "thcs1.8A", "th2.1A")


HOSTILE_NUMBERS = ["1e309", "1e27", "1E+400", "9" * 30, "-0", "1_0", "-0.0", "٧", "+7", "NaN"]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_rules_refuse_oddly_written_numbers(value):
    with pytest.raises(InvalidScoreError):
        secondary.parse_score(value)
    with pytest.raises(InvalidScoreError):
        primary.parse_score(value)


def test_rules_still_accept_plain_scores():
    assert str(secondary.parse_score(" 7,5 ")) == "7.5"
    assert primary.parse_score("10") == 10
    assert primary.parse_score("0") == 0


def _api_save(api, lop, sheet, pupil, slot, value):
    cells = [{"student": pupil.pk, "area": sheet, "slot": slot, "value": value}]
    return api.post(f"/api/v1/classes/{lop.pk}/entries/{sheet}/", {"cells": cells}, format="json")


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_api_entries_refuse_huge_scores(world, value):
    lop = world.units["thcs1.8A"]
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    open_window(world, "thcs1", "hk1")
    before = snapshot(lop)

    response = _api_save(api_login(teacher), lop, "cong_nghe", pupil, "hk1.tx1", value)

    assert response.status_code == 400
    assert "Điểm" in response.json()["message"]
    assert snapshot(lop) == before


@pytest.mark.parametrize("value", ["1e309", "9" * 30, "-0", "1_0"])
def test_api_entries_refuse_huge_primary_scores(world, value):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)
    open_window(world, "th1", "cuoi_nam")
    before = snapshot(lop)

    response = _api_save(api_login(teacher), lop, "toan", pupil, "cuoi_nam.diem", value)

    assert response.status_code == 400
    assert snapshot(lop) == before


@pytest.mark.parametrize(
    "cells",
    [
        [{"key": "{student}|cong_nghe|hk1.tx1", "value": "1E+400"}],
        [{"key": "{student}|cong_nghe|hk1.tx1", "value": "9" * 30}],
        [{"key": "99999999999999999999999|cong_nghe|hk1.tx1", "value": "7"}],
        [{"key": "{student}|cong_nghe|hk1.tx1", "value": ["7"]}],
        "not a list",
        [["a"]],
    ],
)
def test_web_grid_save_refuses_without_500(world, cells):
    lop = world.units["thcs1.8A"]
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    open_window(world, "thcs1", "hk1")
    before = snapshot(lop)
    body = json.dumps({"cells": cells}).replace("{student}", str(pupil.pk))

    response = login(teacher).post(
        f"/so-diem/lop/{lop.pk}/nhap/cong_nghe/luu/", body, content_type="application/json"
    )

    assert response.status_code in (400, 404), response.content[:300]
    assert response.json()["message"]
    assert snapshot(lop) == before


@pytest.mark.parametrize("value", ["1e309", "1E+400", "9" * 30, "-0", "1_0"])
def test_correction_requests_refuse_huge_scores(world, value):
    lop = world.units["thcs1.8A"]
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    count = CorrectionRequest.objects.count()
    body = {
        "school_class": lop.pk,
        "sheet": "cong_nghe",
        "student": pupil.pk,
        "area": "cong_nghe",
        "slot": "hk1.tx1",
        "new_value": value,
        "reason": "Chấm lại",
    }

    api = api_login(teacher).post("/api/v1/grading/corrections/", body, format="json")
    web = login(teacher).post(
        f"/so-diem/lop/{lop.pk}/nhap/cong_nghe/dieu-chinh/",
        {
            "column": "cong_nghe|hk1.tx1",
            "student": str(pupil.pk),
            "new_value": value,
            "reason": "Chấm lại",
        },
    )

    assert api.status_code == 400
    assert web.status_code == 302
    assert CorrectionRequest.objects.count() == count


def test_list_bodies_on_window_close_and_correction_decision(world):
    window = open_window(world, "th1", "cuoi_nam")
    lop = world.units["th1.1A"]
    pupil = first_student(lop, 5)
    window_closed = EntryWindow.objects.get(pk=window.pk).closed_at
    api = api_login(world.people["th1.hieutruong"])
    window.closed_at = None

    closed = api.post(f"/api/v1/grading/windows/{window.pk}/close/", [1, 2], format="json")
    assert closed.status_code == 400
    assert closed.json()["code"] == "invalid"
    assert EntryWindow.objects.get(pk=window.pk).closed_at == window_closed

    api.post(f"/api/v1/grading/windows/{window.pk}/close/", {"reason": "Khóa sổ"}, format="json")
    teacher = teacher_of(lop, "toan")
    request = api_login(teacher).post(
        "/api/v1/grading/corrections/",
        {
            "school_class": lop.pk,
            "sheet": "toan",
            "student": pupil.pk,
            "area": "toan",
            "slot": "cuoi_hk1.diem",
            "new_value": "10",
            "reason": "Chấm phúc khảo",
        },
        format="json",
    )
    assert request.status_code == 201, request.json()
    for decision in ("approve", "refuse"):
        decided = api.post(
            f"/api/v1/grading/corrections/{request.json()['id']}/{decision}/",
            ["Đồng ý"],
            format="json",
        )
        assert decided.status_code == 400
    assert CorrectionRequest.objects.get(pk=request.json()["id"]).status == "pending"


def test_window_for_a_hidden_school_answers_like_a_missing_one(world):
    api = api_login(world.people["th1.hieutruong"])
    count = EntryWindow.objects.count()

    hidden = api.post(
        "/api/v1/grading/windows/",
        {"school": world.units["th2"].pk, "reason": "Mở sổ"},
        format="json",
    )
    missing = api.post(
        "/api/v1/grading/windows/", {"school": 987654321, "reason": "Mở sổ"}, format="json"
    )
    beyond = api.post(
        "/api/v1/grading/windows/", {"school": 10**30, "reason": "Mở sổ"}, format="json"
    )

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert beyond.status_code in (400, 404)
    assert EntryWindow.objects.count() == count
