"""Excel import: all rows or none, a row-by-row Vietnamese report, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.importing.columns import SHEETS
from hoso.org.importing.services import ImportRejected, import_file
from hoso.org.importing.workbook import template_bytes
from hoso.org.models import Enrolment, Staff, Student
from hoso.org.tests.factories import StudentFactory, small_province
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

STUDENT_HEADERS = [c.header for c in SHEETS["students"]]


def xlsx(rows, headers=STUDENT_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return small_province("im")


@pytest.fixture
def th1(world):
    return world.units["th1"]


@pytest.fixture
def vanthu(world):
    return world.people["th1.vanthu"]


def _snapshot():
    return (
        Student.objects.count(),
        Staff.objects.count(),
        Enrolment.objects.count(),
        AuditEntry.objects.count(),
    )


GOOD = [
    ["HSX0000001", "Trần Minh Khôi", "Nam", "02/09/2017"],
    ["HSX0000002", "Lê Thị Ánh", "Nữ", dt.datetime(2017, 3, 15)],
]


@pytest.mark.parametrize("kind", sorted(SHEETS))
def test_templates_have_the_vietnamese_headers(kind):
    sheet = load_workbook(io.BytesIO(template_bytes(kind))).active
    assert [c.value for c in sheet[1]] == [c.header for c in SHEETS[kind]]


def test_a_good_file_imports_every_row_and_is_audited(th1, vanthu):
    result = import_file(actor=vanthu, kind="students", school=th1, data=xlsx(GOOD))
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    khoi = Student.objects.get(code="HSX0000001")
    assert (khoi.full_name, khoi.gender, khoi.birth_date) == (
        "Trần Minh Khôi",
        "NAM",
        dt.date(2017, 9, 2),
    )
    assert AuditEntry.objects.filter(action="org.import.completed").last().payload["created"] == 2


def test_importing_the_same_file_twice_changes_nothing(th1, vanthu):
    data = xlsx(GOOD)
    import_file(actor=vanthu, kind="students", school=th1, data=data)
    before = _snapshot()
    result = import_file(actor=vanthu, kind="students", school=th1, data=data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    after = _snapshot()
    assert after[:3] == before[:3]
    assert after[3] == before[3] + 1  # only the "import completed" entry


def _rejected(th1, vanthu, data, kind="students"):
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_file(actor=vanthu, kind=kind, school=th1, data=data)
    assert _snapshot() == before, "a rejected file must write nothing"
    return caught.value.result.errors


def test_one_bad_row_means_no_row_is_written(th1, vanthu):
    rows = [*GOOD, ["HSX0000003", "Phạm Văn Bình", "Nam", "31/02/2017"]]
    errors = _rejected(th1, vanthu, xlsx(rows))
    assert [(e.row, e.column) for e in errors] == [(4, "Ngày sinh")]
    assert "không phải ngày hợp lệ" in errors[0].message
    assert not Student.objects.filter(code="HSX0000001").exists()


def test_wrong_headers_are_reported_with_the_expected_ones(th1, vanthu):
    errors = _rejected(th1, vanthu, xlsx(GOOD, headers=["Mã", "Tên", "Giới", "Sinh"]))
    assert errors[0].row == 1
    assert "Dòng tiêu đề không đúng mẫu" in errors[0].message
    assert "Mã định danh học sinh" in errors[0].message


def test_every_problem_of_every_row_is_listed(th1, vanthu):
    rows = [
        ["HSX0000001", "Trần Minh Khôi", "Nam", "02/09/2017"],
        ["HSX0000001", '=HYPERLINK("http://x")', "Không rõ", "01/01/2090"],
        ["", "Lê Thị Ánh", "Nữ", "abc"],
    ]
    errors = _rejected(th1, vanthu, xlsx(rows))
    found = {(e.row, e.column) for e in errors}
    assert found == {
        (3, "Họ và tên"),
        (3, "Giới tính"),
        (3, "Ngày sinh"),
        (4, "Mã định danh học sinh"),
        (4, "Ngày sinh"),
        (2, "Mã định danh học sinh"),
        (3, "Mã định danh học sinh"),
    }
    messages = " ".join(e.message for e in errors)
    assert "công thức" in messages and "bị lặp lại" in messages and "Nam hoặc Nữ" in messages


def test_a_student_code_of_another_school_is_refused(world, th1, vanthu):
    other = StudentFactory(school=world.units["th2"])
    errors = _rejected(th1, vanthu, xlsx([[other.code, "Ai Đó", "Nam", "01/01/2017"]]))
    assert "đã thuộc trường khác" in errors[0].message


@override_settings(HOSO_IMPORT_MAX_ROWS=100)
def test_too_many_rows_are_refused_with_a_clear_message(th1, vanthu):
    rows = [[f"HSY{i:07d}", "Trần Minh Khôi", "Nam", "02/09/2017"] for i in range(101)]
    errors = _rejected(th1, vanthu, xlsx(rows))
    assert "quá 100 dòng" in errors[0].message


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Tệp rỗng"),
        (b"%PDF-1.7 not a workbook", "không phải Excel"),
        ("Mã,Họ tên\n1,2\n".encode(), "không phải Excel"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(th1, vanthu, data, message):
    before = _snapshot()
    with pytest.raises(DomainError, match=message):
        import_file(actor=vanthu, kind="students", school=th1, data=data)
    assert _snapshot() == before


def test_a_docx_renamed_xlsx_is_refused(th1, vanthu):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(DomainError, match="không phải Excel"):
        import_file(actor=vanthu, kind="students", school=th1, data=buffer.getvalue())


def test_a_teacher_may_not_import(th1, world):
    with pytest.raises(NotAllowed):
        import_file(
            actor=world.people["th1.giaovien1"], kind="students", school=th1, data=xlsx(GOOD)
        )


def test_a_clerk_may_not_import_into_another_school(world, vanthu):
    with pytest.raises(NotAllowed):
        import_file(actor=vanthu, kind="students", school=world.units["th2"], data=xlsx(GOOD))


def test_classes_then_enrolments_import(th1, vanthu):
    classes = xlsx([["TH1-2025-1C", "1C", 1]], headers=[c.header for c in SHEETS["classes"]])
    import_file(actor=vanthu, kind="classes", school=th1, data=classes)
    import_file(actor=vanthu, kind="students", school=th1, data=xlsx(GOOD))
    enrol = xlsx(
        [["HSX0000001", "TH1-2025-1C"], ["HSX0000002", "TH1-2025-1C"]],
        headers=[c.header for c in SHEETS["enrolments"]],
    )
    result = import_file(actor=vanthu, kind="enrolments", school=th1, data=enrol)
    assert result.created == 2
    assert Enrolment.objects.filter(school_class__code="TH1-2025-1C").count() == 2
    again = import_file(actor=vanthu, kind="enrolments", school=th1, data=enrol)
    assert again.unchanged == 2


def test_staff_import_places_people_in_their_group(th1, vanthu):
    headers = [c.header for c in SHEETS["staff"]]
    data = xlsx(
        [["CBX001", "Đỗ Thị Ngà", "Nữ", "15/03/1985", "Giáo viên", "IM-TH1-TO1", "", ""]],
        headers=headers,
    )
    import_file(actor=vanthu, kind="staff", school=th1, data=data)
    assert Staff.objects.get(code="CBX001").unit.code == "IM-TH1-TO1"


def test_a_staff_sheet_with_blank_cells_changes_only_what_it_fills(th1, vanthu):
    """A school sends only its teachers' e-mails: the blank group, birth date and phone leave
    the teacher where and as they are."""
    headers = [c.header for c in SHEETS["staff"]]
    full = ["CBX002", "Lê Văn Nam", "Nam", "01/02/1980", "Giáo viên", "IM-TH1-TO1", "", "0912"]
    import_file(actor=vanthu, kind="staff", school=th1, data=xlsx([full], headers=headers))
    only_email = ["CBX002", "Lê Văn Nam", "Nam", "", "", "", "nam@thim.edu.vn", ""]
    result = import_file(
        actor=vanthu, kind="staff", school=th1, data=xlsx([only_email], headers=headers)
    )
    nam = Staff.objects.get(code="CBX002")
    assert result.updated == 1
    assert (nam.unit.code, nam.birth_date, nam.position, nam.phone, nam.email) == (
        "IM-TH1-TO1",
        dt.date(1980, 2, 1),
        "Giáo viên",
        "0912",
        "nam@thim.edu.vn",
    )


def test_the_import_page_shows_the_row_report(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.people["th1.vanthu"])
    th1 = world.units["th1"]
    bad = xlsx([["HSX0000009", "Trần Minh Khôi", "Nam", "31/02/2017"]])
    response = client.post(
        "/nhap-du-lieu/",
        {
            "school": th1.pk,
            "kind": "students",
            "file": SimpleUploadedFile("hs.xlsx", bad),
        },
    )
    assert response.status_code == 400
    assert "Không nhập được" in response.content.decode()
    assert "Ngày sinh" in response.content.decode()


def test_the_import_api_returns_the_report(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    th1 = world.units["th1"]
    bad = xlsx([["HSX0000009", "Trần Minh Khôi", "Nam", "31/02/2017"]])
    response = api_login(world.people["th1.vanthu"]).post(
        "/api/v1/imports/students/",
        {"school": th1.pk, "file": SimpleUploadedFile("hs.xlsx", bad)},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "Ngày sinh"
    ok = api_login(world.people["th1.vanthu"]).post(
        "/api/v1/imports/students/",
        {"school": th1.pk, "file": SimpleUploadedFile("hs.xlsx", xlsx(GOOD))},
        format="multipart",
    )
    assert ok.status_code == 200 and ok.json()["created"] == 2


def test_a_teacher_gets_404_from_the_import_page(world):
    assert login(world.people["th1.giaovien1"]).get("/nhap-du-lieu/").status_code == 404
