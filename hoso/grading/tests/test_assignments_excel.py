"""Phân công from Excel: export the grid, edit one row, import it back; a bad row refuses the
whole file; only the school's HT/PHT may do either."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hoso.audit.models import AuditEntry
from hoso.grading.selectors import assignments_of
from hoso.grading.tests.conftest import gvcn_of, teacher_of
from hoso.grading.tests.factories import gradebook_world
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_world("th1.1A")


def _book(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã lớp", "Môn học", "Mã định danh giáo viên", "Họ và tên giáo viên"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "phan-cong.xlsx"
    return buffer


def test_export_edit_import_round_trip(world):
    school, lop = world.units["th1"], world.units["th1.1A"]
    client = login(world.people["th1.hieutruong"])
    response = client.get(reverse("grading:assignment-export", kwargs={"pk": school.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="grading.assignment.exported").exists()
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    toan = next(r for r in rows if r[0] == lop.code and r[1] == "Toán")
    assert toan[2] == teacher_of(lop, "toan").staff.code
    new = world.people["th1.giaovien3"].staff
    toan[2] = new.code
    gvcn_row = next(r for r in rows if r[0] == lop.code and r[1] == "GVCN")
    gvcn_row[2] = new.code
    url = reverse("grading:assignment-import", kwargs={"pk": school.pk})
    answer = client.post(url, {"file": _book(rows)})
    assert answer.status_code == 302
    assert teacher_of(lop, "toan").pk == new.user_id
    assert gvcn_of(lop).pk == new.user_id


def test_a_bad_row_refuses_the_file(world):
    school, lop = world.units["th1"], world.units["th1.1A"]
    before = assignments_of(school)
    client = login(world.people["th1.hieutruong"])
    rows = [
        [lop.code, "toan", "", ""],  # valid: nobody teaches Toán
        [lop.code, "Vật lí", "", ""],
        ["KHONG-CO", "Toán", "", ""],
    ]
    answer = client.post(
        reverse("grading:assignment-import", kwargs={"pk": school.pk}), {"file": _book(rows)}
    )
    html = client.get(answer["Location"]).content.decode()
    assert "2 dòng chưa hợp lệ, chưa nhập dòng nào. Dòng 3: Lớp 1A không học môn “Vật lí”." in html
    assert "Dòng 4: Không có lớp KHONG-CO" in html
    assert assignments_of(school) == before


def test_not_an_excel_file_and_others_refused(world):
    school = world.units["th1"]
    before = assignments_of(school)
    url = reverse("grading:assignment-import", kwargs={"pk": school.pk})
    junk = io.BytesIO(b"not excel")
    junk.name = "x.xlsx"
    principal = login(world.people["th1.hieutruong"])
    answer = principal.post(url, {"file": junk})
    html = principal.get(answer["Location"]).content.decode()
    assert "Tệp không phải Excel .xlsx" in html
    for username in ("th1.giaovien1", "th2.hieutruong"):
        client = login(world.people[username])
        assert client.post(url, {"file": _book([])}).status_code == 404
        export = reverse("grading:assignment-export", kwargs={"pk": school.pk})
        assert client.get(export).status_code == 404
    assert assignments_of(school) == before
