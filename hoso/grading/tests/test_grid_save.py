"""Issue 16 item 4: the entry grid's save endpoint answers cell by cell. The cells the rules
accept are saved, the others are refused with their Vietnamese reason and never stored; a
scored THCS/THPT subject answers with the subject averages computed after the save."""

from __future__ import annotations

import json

import pytest

from hoso.audit.models import AuditEntry
from hoso.grading.catalogue import class_subject
from hoso.grading.compute import subject_averages
from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo, open_window
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_as_in_the_demo("th1.1A", "thcs1.8A")


PRIMARY_DECIMAL = (
    "Điểm kiểm tra định kì ở tiểu học phải là số nguyên từ 0 đến 10, không có phần thập phân "
    "(nhận được: {value})."
)
OUT_OF_SCALE = "Điểm {value} nằm ngoài thang điểm 10 (từ 0 đến 10)."


def _post(client, lop, sheet, cells):
    return client.post(
        f"/so-diem/lop/{lop.pk}/nhap/{sheet}/luu/",
        data=json.dumps({"cells": [{"key": k, "value": v} for k, v in cells]}),
        content_type="application/json",
    )


def _saved_entries():
    return AuditEntry.objects.filter(action="grading.entries.saved").count()


def test_mixed_batch_saves_the_valid_cells_and_refuses_each_bad_one_with_its_reason(world):
    lop = world.units["th1.1A"]  # cuối năm is open in the demo
    teacher = teacher_of(lop, "toan")
    p1, p2, p3, p4 = (first_student(lop, i) for i in (1, 2, 3, 4))
    before = {p: cell(p, "toan", "cuoi_nam.diem") for p in (p1, p2, p3)}
    audits = _saved_entries()

    response = _post(
        login(teacher),
        lop,
        "toan",
        [
            (f"{p1.pk}|toan|cuoi_nam.muc", "t"),
            (f"{p1.pk}|toan|cuoi_nam.diem", "11"),
            (f"{p2.pk}|toan|cuoi_nam.diem", "X"),
            (f"{p3.pk}|toan|cuoi_nam.diem", "7,5"),
            (f"{p4.pk}|toan|cuoi_nam.diem", " 9 "),
        ],
    )

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] == [
        {"key": f"{p1.pk}|toan|cuoi_nam.muc", "text": "T"},
        {"key": f"{p4.pk}|toan|cuoi_nam.diem", "text": "9"},
    ]
    assert body["refused"] == [
        {
            "key": f"{p1.pk}|toan|cuoi_nam.diem",
            "value": "11",
            "reason": OUT_OF_SCALE.format(value="11"),
        },
        {
            "key": f"{p2.pk}|toan|cuoi_nam.diem",
            "value": "X",
            "reason": PRIMARY_DECIMAL.format(value="X"),
        },
        {
            "key": f"{p3.pk}|toan|cuoi_nam.diem",
            "value": "7,5",
            "reason": PRIMARY_DECIMAL.format(value="7,5"),
        },
    ]
    assert body["message"] == "3 ô chưa lưu được (đã lưu 2 ô); sửa các ô màu đỏ."
    assert body["fields"][f"{p3.pk}|toan|cuoi_nam.diem"] == [PRIMARY_DECIMAL.format(value="7,5")]
    assert body["averages"] == {}  # tiểu học: no averages
    # The valid cells are stored, the refused ones are not.
    assert cell(p1, "toan", "cuoi_nam.muc") == "T" and cell(p4, "toan", "cuoi_nam.diem") == "9"
    assert {p: cell(p, "toan", "cuoi_nam.diem") for p in (p1, p2, p3)} == before
    entry = AuditEntry.objects.filter(action="grading.entries.saved").latest("seq")
    assert _saved_entries() == audits + 1
    assert {(c["student"], c["slot"], c["after"]) for c in json.loads(entry.data)["changes"]} == {
        (p1.pk, "cuoi_nam.muc", "T"),
        (p4.pk, "cuoi_nam.diem", "9"),
    }


def test_one_refused_cell_changes_nothing_and_is_not_audited(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)
    before, audits = snapshot(lop), _saved_entries()

    response = _post(login(teacher), lop, "toan", [(f"{pupil.pk}|toan|cuoi_nam.diem", "7,5")])

    assert response.status_code == 400
    assert response.json()["saved"] == []
    assert [r["reason"] for r in response.json()["refused"]] == [
        PRIMARY_DECIMAL.format(value="7,5")
    ]
    assert snapshot(lop) == before and _saved_entries() == audits


def test_all_valid_is_200_without_a_message(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)

    response = _post(login(teacher), lop, "toan", [(f"{pupil.pk}|toan|cuoi_nam.diem", "10")])

    assert response.status_code == 200
    assert response.json() == {
        "saved": [{"key": f"{pupil.pk}|toan|cuoi_nam.diem", "text": "10"}],
        "refused": [],
        "averages": {},
    }
    assert cell(pupil, "toan", "cuoi_nam.diem") == "10"


def test_a_closed_window_refuses_its_cell_only(world):
    lop = world.units["th1.1A"]  # cuối HK I is closed in the demo, cuối năm open
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)
    old = cell(pupil, "toan", "cuoi_hk1.diem")

    response = _post(
        login(teacher),
        lop,
        "toan",
        [(f"{pupil.pk}|toan|cuoi_hk1.diem", "4"), (f"{pupil.pk}|toan|cuoi_nam.diem", "8")],
    )

    assert response.status_code == 400
    [refused] = response.json()["refused"]
    assert refused["key"] == f"{pupil.pk}|toan|cuoi_hk1.diem"
    assert refused["reason"].startswith("Chưa mở hoặc đã khóa sổ nhập điểm cho Điểm CK1")
    assert cell(pupil, "toan", "cuoi_hk1.diem") == old
    assert cell(pupil, "toan", "cuoi_nam.diem") == "8"


def test_another_teacher_is_refused_as_a_whole(world):
    lop = world.units["thcs1.8A"]
    pupil = first_student(lop)
    before = snapshot(lop)

    response = _post(
        login(world.people["thcs1.giaovien1"]),
        lop,
        "cong_nghe",
        [(f"{pupil.pk}|cong_nghe|hk2.tx1", "8")],
    )

    assert response.status_code in (403, 404)
    assert "saved" not in response.json() and response.json()["message"]
    assert snapshot(lop) == before


def test_too_big_a_batch_is_refused_whole_not_cut(world):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)
    before = snapshot(lop)
    cells = [(f"{pupil.pk}|toan|cuoi_nam.diem", "8")] * 2001

    response = _post(login(teacher), lop, "toan", cells)

    assert response.status_code == 400
    assert response.json()["message"] == "Gửi quá nhiều ô một lần (tối đa 2000); chưa lưu ô nào."
    assert snapshot(lop) == before


# --- THCS/THPT: decimal comma and the subject averages in the answer -------------------------


def test_decimal_comma_is_saved_and_the_answer_carries_the_averages(world):
    lop = world.units["thcs1.8A"]  # Công nghệ 8: 52 tiết/năm ⇒ 3 ĐĐGtx
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    client = login(teacher)
    open_window(world, "thcs1", "hk1")
    key = f"{pupil.pk}|cong_nghe|"
    hk1 = {"hk1.tx1": "8", "hk1.tx2": "7,5", "hk1.tx3": "9", "hk1.gk": "6", "hk1.ck": "7,0"}
    hk2_empty = {f"hk2.{s}": "" for s in ("tx1", "tx2", "tx3", "gk", "ck")}

    cells = [(key + slot, value) for slot, value in {**hk1, **hk2_empty}.items()]
    response = _post(client, lop, "cong_nghe", cells)

    assert response.status_code == 200
    texts = {s["key"].split("|")[2]: s["text"] for s in response.json()["saved"]}
    assert (texts["hk1.tx2"], texts["hk1.ck"]) == ("7,5", "7")
    assert (cell(pupil, "cong_nghe", "hk1.tx2"), cell(pupil, "cong_nghe", "hk1.ck")) == ("7.5", "7")
    # (8 + 7.5 + 9 + 2·6 + 3·7) / 8 = 57.5 / 8 = 7.1875 ⇒ 7.2
    assert response.json()["averages"] == {
        str(pupil.pk): {
            "HK1": {"text": "7,2", "reason": ""},
            "HK2": {
                "text": "",
                "reason": "Chưa tính được: còn thiếu ĐĐGtx lần 1; ĐĐGtx lần 2; ĐĐGtx lần 3; "
                "ĐĐGgk; ĐĐGck.",
            },
            "CN": {"text": "", "reason": "Chưa tính được: cần đủ điểm trung bình cả hai học kì."},
        }
    }

    hk2 = {"hk2.tx1": "8", "hk2.tx2": "8", "hk2.tx3": "8", "hk2.gk": "8", "hk2.ck": "8"}
    response = _post(client, lop, "cong_nghe", [(key + s, v) for s, v in hk2.items()])

    # ĐTBmcn = (7.2 + 2·8.0) / 3 = 7.733… ⇒ 7.7; one decimal even when it is 0.
    assert response.json()["averages"][str(pupil.pk)] == {
        "HK1": {"text": "7,2", "reason": ""},
        "HK2": {"text": "8,0", "reason": ""},
        "CN": {"text": "7,7", "reason": ""},
    }


def test_averages_only_for_pupils_with_saved_cells(world):
    lop = world.units["thcs1.8A"]
    teacher = teacher_of(lop, "cong_nghe")
    first, second = first_student(lop, 0), first_student(lop, 1)

    response = _post(
        login(teacher),
        lop,
        "cong_nghe",
        [(f"{first.pk}|cong_nghe|hk2.tx1", "8,5"), (f"{second.pk}|cong_nghe|hk2.tx1", "8,55")],
    )

    assert response.status_code == 400
    assert list(response.json()["averages"]) == [str(first.pk)]
    assert response.json()["refused"][0]["reason"] == (
        "Điểm phải là số nguyên hoặc số thập phân có một chữ số sau dấu phẩy, từ 0 đến 10 "
        "(nhận được: 8,55)."
    )


def test_grid_page_shows_the_averages_with_reason_for_screen_readers(world):
    lop = world.units["thcs1.8A"]
    teacher, pupil = teacher_of(lop, "cong_nghe"), first_student(lop)
    averages = subject_averages(lop, class_subject(lop, "cong_nghe"), [pupil.pk])[pupil.pk]

    body = login(teacher).get(f"/so-diem/lop/{lop.pk}/nhap/cong_nghe/").content
    html = body.decode()

    assert html.count('<th class="avg"') == 3
    for term in ("HK1", "HK2", "CN"):
        average = averages[term]
        cell_html = html.split(f'data-avg="{pupil.pk}|{term}"', 1)[1].split("</td>", 1)[0]
        assert f'<span class="avg-text">{average.text}</span>' in cell_html
        assert f'<span class="sr-only avg-reason">{average.reason}</span>' in cell_html
        assert (f'title="{average.reason}"' in cell_html) == bool(average.reason)


def test_comment_subject_and_primary_grids_have_no_average_columns(world):
    thcs, th = world.units["thcs1.8A"], world.units["th1.1A"]
    comment = login(world.people["thcs1.hieutruong"]).get(
        f"/so-diem/lop/{thcs.pk}/nhap/giao_duc_the_chat/"
    )
    primary = login(world.people["th1.hieutruong"]).get(f"/so-diem/lop/{th.pk}/nhap/toan/")

    assert comment.status_code == 200 and primary.status_code == 200
    assert 'class="avg"' not in comment.content.decode()
    assert 'class="avg"' not in primary.content.decode()
