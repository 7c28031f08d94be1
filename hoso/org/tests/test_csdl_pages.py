"""CSDL ngành pages and API: upload → preview → confirm, 404 for another school, exports,
the sync reminder on the home page, who sees a số định danh whole."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.grading.models import Homeroom
from hoso.org.csdl.home import sync_moment, tasks
from hoso.org.models import Enrolment, Student
from hoso.org.particulars import mask_personal_id, personal_id_problem
from hoso.org.tests.factories import StudentFactory, school_class, small_province
from hoso.org.tests.test_csdl_import import FULL, PID, new_pupil, student_row, xlsx
from hoso.policy import can
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

URL = "/nhap-du-lieu/csdl/"


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []
    return small_province("cp")


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("csdl.xlsx", data)


def test_page_preview_then_confirm(world):
    th1 = world.units["th1"]
    client = login(world.people["th1.hieutruong"])
    assert client.get(URL).status_code == 200
    page = client.post(URL, {"school": th1.pk, "file": upload(xlsx(FULL, [new_pupil()]))})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sẽ thêm mới" in body and "Trần Minh Khôi" in body
    assert PID not in body and "0872******56" in body
    assert not Student.objects.filter(code="HSN0001").exists()
    token = page.context["token"]
    done = client.post(URL, {"school": th1.pk, "token": token})
    assert done.status_code == 200
    assert "thêm mới 1, thay đổi 0, giữ nguyên 0" in done.content.decode()
    assert Student.objects.get(code="HSN0001").personal_id == PID


def test_page_lists_row_errors_and_writes_nothing(world):
    th1 = world.units["th1"]
    client = login(world.people["th1.vanthu"])
    before = (Student.objects.count(), AuditEntry.objects.count())
    page = client.post(
        URL, {"school": th1.pk, "file": upload(xlsx(FULL, [new_pupil(gender="Trai")]))}
    )
    assert page.status_code == 200  # a preview with errors is still a preview
    assert "Giới tính “Trai” không có trong danh mục (Nam, Nữ)." in (page.content.decode())
    assert page.context["token"] == ""
    assert (Student.objects.count(), AuditEntry.objects.count()) == before


def test_another_schools_principal_gets_404(world):
    th1 = world.units["th1"]
    other = login(world.people["th2.hieutruong"])
    before = Student.objects.count()
    assert (
        other.post(URL, {"school": th1.pk, "file": upload(xlsx(FULL, [new_pupil()]))}).status_code
        == 404
    )
    api = api_login(world.people["th2.hieutruong"])
    answer = api.post(
        "/api/v1/csdl/preview/",
        {"school": th1.pk, "file": upload(xlsx(FULL, [new_pupil()]))},
        format="multipart",
    )
    assert answer.status_code == 404
    assert api.post("/api/v1/csdl/confirm/", {"school": th1.pk, "token": "x"}).status_code == 404
    assert Student.objects.count() == before
    teacher = login(world.people["th1.giaovien1"])
    assert teacher.get(URL).status_code == 404


def test_api_preview_and_confirm(world):
    th1 = world.units["th1"]
    api = api_login(world.people["th1.vanthu"])
    answer = api.post(
        "/api/v1/csdl/preview/",
        {"school": th1.pk, "file": upload(xlsx(FULL, [new_pupil()]))},
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["layout"]["id"], body["created"], body["updated"]) == ("hoc-sinh-2024", 1, 0)
    assert body["rows"][0]["action"] == "create"
    assert PID not in answer.content.decode()
    done = api.post(
        "/api/v1/csdl/confirm/", {"school": th1.pk, "token": body["token"]}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["created"] == 1
    again = api.post(
        "/api/v1/csdl/confirm/", {"school": th1.pk, "token": body["token"]}, format="json"
    )
    assert again.status_code == 400  # a token is used once
    assert Student.objects.filter(code="HSN0001").count() == 1


def test_api_preview_with_errors_is_400_with_rows(world):
    api = api_login(world.people["th1.vanthu"])
    answer = api.post(
        "/api/v1/csdl/preview/",
        {"school": world.units["th1"].pk, "file": upload(xlsx(FULL, [new_pupil(personal_id="1")]))},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {
            "row": 2,
            "column": "Số định danh cá nhân",
            "message": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        }
    ]


def test_unknown_layout_via_api_names_the_columns(world):
    api = api_login(world.people["th1.vanthu"])
    answer = api.post(
        "/api/v1/csdl/preview/",
        {
            "school": world.units["th1"].pk,
            "file": upload(xlsx(["Họ tên", "Sở thích"], [["A", "B"]])),
        },
        format="multipart",
    )
    assert answer.status_code == 400
    assert "Các cột không nhận ra: Sở thích." in answer.json()["message"]


def test_export_download_and_office_scope(world):
    StudentFactory(school=world.units["th1"], code="HSE", full_name="Ngô Bảo Châu")
    client = login(world.people["th1.vanthu"])
    url = reverse("csdl-export", args=["hoc-sinh-2024"])
    answer = client.get(url, {"don_vi": world.units["th1"].pk})
    assert answer.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(answer.content)).active.values for c in row]
    assert "Ngô Bảo Châu" in cells
    assert client.get(url, {"don_vi": world.units["th2"].pk}).status_code == 404
    office = login(world.people["phong1.chuyenvien"])
    assert office.get(url, {"don_vi": world.units["phong1"].pk}).status_code == 200
    assert office.get(url, {"don_vi": world.units["phong2"].pk}).status_code == 404
    api = api_login(world.people["th1.vanthu"])
    answer = api.get("/api/v1/csdl/export/hoc-sinh-2024/", {"don_vi": world.units["th1"].pk})
    assert answer.status_code == 200
    assert (
        api.get("/api/v1/csdl/export/khong-co/", {"don_vi": world.units["th1"].pk}).status_code
        == 404
    )


def test_openapi_schema_lists_the_csdl_paths(world):
    schema = api_login(world.people["th1.vanthu"]).get("/api/v1/schema/", {"format": "json"})
    paths = schema.json()["paths"]
    assert {"/api/v1/csdl/preview/", "/api/v1/csdl/confirm/"} <= set(paths)
    assert "/api/v1/csdl/export/{layout_id}/" in paths


# --- sync reminder -----------------------------------------------------------------------------


def test_sync_reminder_at_start_middle_and_end_only(world, settings):
    year = world.year
    assert sync_moment(year, year.start_date) == "đầu năm học"
    assert sync_moment(year, year.term1_end) == "giữa năm học"
    assert sync_moment(year, year.end_date) == "cuối năm học"
    assert sync_moment(year, year.start_date + dt.timedelta(days=40)) == ""


def test_sync_reminder_on_the_principals_home_linking_to_the_preview(world, monkeypatch):
    year = world.year
    monkeypatch.setattr("hoso.org.csdl.home.timezone.localdate", lambda: year.start_date)
    found = tasks(world.people["th1.vanthu"])
    assert [(t.title, t.url) for t in found] == [
        ("Đối chiếu dữ liệu với CSDL ngành", f"{URL}?truong={world.units['th1'].pk}")
    ]
    assert tasks(world.people["th1.giaovien1"]) == []
    assert tasks(world.people["phong1.chuyenvien"]) == []
    monkeypatch.setattr(
        "hoso.org.csdl.home.timezone.localdate", lambda: year.start_date + dt.timedelta(days=40)
    )
    assert tasks(world.people["th1.vanthu"]) == []


# --- identity numbers --------------------------------------------------------------------------


def test_personal_id_validation_province_century_sex_year():
    assert personal_id_problem("087217123456", birth_year=2017, gender="NAM") == ""
    assert "mã tỉnh" in personal_id_problem("003217123456", birth_year=2017)  # 003: no province
    assert "thứ 4" in personal_id_problem("087017123456", birth_year=2017)
    assert "giới tính" in personal_id_problem("087217123456", birth_year=2017, gender="NU")
    assert "12 chữ số" in personal_id_problem("08721712345a")
    assert mask_personal_id(PID) == "0872******56"


def test_who_sees_the_personal_id_whole(world):
    th1 = world.units["th1"]
    lop = school_class(th1, "1A", 1)
    pupil = StudentFactory(
        school=th1, personal_id=PID, birth_date=dt.date(2017, 1, 1), gender="NAM"
    )
    Enrolment.objects.create(student=pupil, school_class=lop, school_year=lop.school_year)
    Homeroom.objects.create(
        teacher=world.people["th1.giaovien2"], school_class=lop, school_year=lop.school_year
    )
    whole = {
        name for name in world.people if can(world.people[name], "org.personal_id.view", pupil)
    }
    assert whole == {
        "admin",
        "th1.hieutruong",
        "th1.phohieutruong",
        "th1.vanthu",
        "th1.giaovien2",
    }


def test_student_api_shows_the_personal_id_whole_or_masked(world):
    pupil = StudentFactory(
        school=world.units["th1"], personal_id=PID, birth_date=dt.date(2017, 1, 1), gender="NAM"
    )
    url = f"/api/v1/students/{pupil.pk}/"
    assert api_login(world.people["th1.hieutruong"]).get(url).json()["personal_id"] == PID
    masked = api_login(world.people["th1.giaovien1"]).get(url).json()
    assert masked["personal_id"] == "0872******56"
    office = api_login(world.people["phong1.chuyenvien"]).get(url).json()
    assert office["personal_id"] == "0872******56"
    listing = api_login(world.people["th1.hieutruong"]).get("/api/v1/students/").content
    assert PID.encode() not in listing and b"0872******56" not in listing


def test_the_pages_are_vietnamese_without_raw_codes(world):
    """The crawl's detector (tests/security/test_vietnamese_pages.py) over the page's states:
    empty, a preview, a preview with errors, done."""
    from tests.security.test_vietnamese_pages import problems_in

    th1 = world.units["th1"]
    client = login(world.people["th1.vanthu"])
    StudentFactory(school=th1, code="HSCU", moet_code="M100")
    rows = [new_pupil(), student_row(moet_code="M100", ethnicity="Tày")]
    pages = [client.get(URL)]
    pages.append(client.post(URL, {"school": th1.pk, "file": upload(xlsx(FULL, rows))}))
    token = pages[-1].context["token"]
    bad = xlsx(FULL, [new_pupil(gender="Trai", personal_id="1")])
    pages.append(client.post(URL, {"school": th1.pk, "file": upload(bad)}))
    pages.append(client.post(URL, {"school": th1.pk, "token": token}))
    for page in pages:
        assert problems_in(page.content.decode()) == []
