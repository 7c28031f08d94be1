"""CSDL ngành exchange: layouts recognised from the header row, per-row Vietnamese errors, an
exact preview diff, all-or-nothing confirmation, export that imports back as nothing changed,
and the identity number never in the audit data or the logs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from openpyxl import Workbook, load_workbook

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.csdl.layouts import layouts
from hoso.org.csdl.services import (
    CsdlRejected,
    csdl_confirm,
    csdl_export,
    csdl_preview,
)
from hoso.org.models import Enrolment, Staff, Student
from hoso.org.tests.factories import StudentFactory, school_class, small_province

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

FULL = [c.title for c in layouts()["hoc-sinh-2024"].columns]
PID = "087217123456"  # Đồng Tháp, nam sinh 2017
PID_F = "087317123457"  # Đồng Tháp, nữ sinh 2017


def xlsx(headers, rows, sheet="Danh sách học sinh", header_row=1, extra_sheets=()) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    for _ in range(header_row - 1):
        data.append(["BỘ GIÁO DỤC VÀ ĐÀO TẠO"])
    data.append(headers)
    for row in rows:
        data.append(row)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["Nam"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def student_row(**values) -> list:
    """A row of the full student layout, by field name; other cells blank."""
    by_field = {c.field: i for i, c in enumerate(layouts()["hoc-sinh-2024"].columns) if c.field}
    row = [None] * len(FULL)
    row[0] = 1
    for name, value in values.items():
        row[by_field[name]] = value
    return row


def new_pupil(**over) -> list:
    values = {
        "code": "HSN0001",
        "moet_code": "0123456789",
        "personal_id": PID,
        "full_name": "Trần Minh Khôi",
        "birth_date": "02/09/2017",
        "gender": "Nam",
        "ethnicity": "Kinh",
    }
    values.update(over)
    return student_row(**values)


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []
    return small_province("cs")


@pytest.fixture
def th1(world):
    return world.units["th1"]


@pytest.fixture
def vanthu(world):
    return world.people["th1.vanthu"]


def snapshot():
    return (
        Student.objects.count(),
        Staff.objects.count(),
        Enrolment.objects.count(),
        AuditEntry.objects.count(),
    )


# --- layouts ---------------------------------------------------------------------------------


def test_every_layout_is_recognised_from_its_header_row(th1, vanthu):
    for lay in layouts().values():
        data = xlsx([c.title for c in lay.columns], [], sheet=lay.sheet)
        plan = csdl_preview(actor=vanthu, school=th1, data=data).plan
        assert plan.layout.id == lay.id
        assert [e.message for e in plan.errors] == ["Tệp không có dòng dữ liệu nào."]


def test_layout_found_on_its_named_sheet_below_value_lists_and_with_aliases(th1, vanthu):
    lay = layouts()["hoc-sinh-cap-nhat-2023"]
    workbook = Workbook()
    workbook.active.title = "GIOI_TINH"
    workbook.active.append(["Nam"])
    sheet = workbook.create_sheet("HOC_SINH")
    titles = [c.title for c in lay.columns]
    titles[-1] = "Số định danh cá nhân"  # an alias of "Số ĐDCN"
    sheet.append(titles)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = csdl_preview(actor=vanthu, school=th1, data=buffer.getvalue()).plan
    assert plan.layout.id == "hoc-sinh-cap-nhat-2023"


def test_unknown_layout_refused_naming_the_columns_not_recognised(th1, vanthu):
    before = snapshot()
    data = xlsx(["STT", "Họ tên", "Ngày sinh", "Giới tính", "Màu mắt", "Cân nặng"], [[1]])
    with pytest.raises(DomainError) as refused:
        csdl_preview(actor=vanthu, school=th1, data=data)
    assert "Các cột không nhận ra: Màu mắt, Cân nặng." in refused.value.message
    assert "Không nhận ra mẫu CSDL ngành" in refused.value.message
    assert snapshot() == before


def test_a_file_with_no_known_column_is_refused(th1, vanthu):
    with pytest.raises(DomainError) as refused:
        csdl_preview(actor=vanthu, school=th1, data=xlsx(["Foo", "Bar"], [[1, 2]]))
    assert "không có cột nào của các mẫu" in refused.value.message


# --- per-row errors --------------------------------------------------------------------------


def test_per_row_errors_in_vietnamese_and_nothing_kept_to_confirm(th1, vanthu):
    rows = [
        new_pupil(code="HS1", moet_code="M1", personal_id=None, birth_date="31/02/2017"),
        new_pupil(code="HS2", moet_code="M2", personal_id=None, gender="Trai"),
        new_pupil(code="HS3", moet_code="M3", personal_id="08721712345"),
        new_pupil(code="HS4", moet_code="M4", personal_id="999217123456"),
        new_pupil(code="HS5", moet_code="M5", personal_id="087215123456"),
        new_pupil(code="HS6", moet_code="M6", personal_id=PID),
        new_pupil(code="HS7", moet_code="M7", personal_id=PID),
    ]
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(FULL, rows))
    got = [(e.row, e.column, e.message) for e in preview.plan.errors]
    assert got == [
        (
            2,
            "Ngày sinh",
            "Ngày sinh “31/02/2017” không phải ngày hợp lệ (ghi theo dạng ngày/tháng/năm, "
            "ví dụ 05/09/2017).",
        ),
        (3, "Giới tính", "Giới tính “Trai” không có trong danh mục (Nam, Nữ)."),
        (4, "Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        (
            5,
            "Số định danh cá nhân",
            "Số định danh cá nhân có 3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh.",
        ),
        (
            6,
            "Số định danh cá nhân",
            "Số định danh cá nhân chữ số thứ 5-6 không khớp với năm sinh 2017.",
        ),
        (7, "Số định danh cá nhân", "Số định danh cá nhân “0872******56” bị lặp lại trong tệp."),
        (8, "Số định danh cá nhân", "Số định danh cá nhân “0872******56” bị lặp lại trong tệp."),
    ]
    assert preview.token == ""


def test_personal_id_of_another_student_is_refused(th1, vanthu):
    StudentFactory(
        school=th1, code="HSCU", personal_id=PID, birth_date=dt.date(2017, 1, 1), gender="NAM"
    )
    data = xlsx(FULL, [new_pupil(code="HSMOI", moet_code="", personal_id=PID)])
    plan = csdl_preview(actor=vanthu, school=th1, data=data).plan
    assert [e.message for e in plan.errors] == [
        "Mã “HSMOI” khác mã HoSo đang giữ (“HSCU”); mã định danh không đổi được."
    ]


def test_a_student_of_another_school_cannot_be_taken(world, th1, vanthu):
    StudentFactory(
        school=world.units["th2"], code="HSKD", moet_code="0123456789", full_name="Hà Văn Bảo"
    )
    plan = csdl_preview(actor=vanthu, school=th1, data=xlsx(FULL, [new_pupil(code="HSKD")])).plan
    assert [e.message for e in plan.errors] == [
        "Hà Văn Bảo đã thuộc trường khác trong HoSo (cần làm thủ tục chuyển trường trước khi nhập)."
    ]


# --- the diff and the confirmation -----------------------------------------------------------


def test_preview_diff_is_exact(th1, vanthu):
    old = StudentFactory(
        school=th1,
        code="HSCU",
        full_name="Lê Minh Châu",
        birth_date=dt.date(2017, 5, 1),
        gender="NU",
        moet_code="M100",
    )
    same = StudentFactory(school=th1, code="HSSAME", full_name="Phạm Thị Dung")
    rows = [
        new_pupil(),
        student_row(
            moet_code="M100",
            full_name="Lê Minh Châu",
            birth_date="01/05/2017",
            gender="Nữ",
            personal_id=PID_F,
            ethnicity="Tày",
            address="",
        ),
        student_row(
            code="HSSAME",
            full_name=same.full_name,
            birth_date="14/03/2019",
            gender="Nữ" if same.gender == "NU" else "Nam",
        ),
    ]
    before = snapshot()
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(FULL, rows))
    plan = preview.plan
    assert plan.errors == []
    assert [(r.row, r.action, r.label) for r in plan.rows] == [
        (2, "create", "Trần Minh Khôi"),
        (3, "update", "Lê Minh Châu"),
        (4, "same", same.full_name),
    ]
    assert [(c.label, c.old, c.new) for c in plan.rows[1].changes] == [
        ("số định danh cá nhân", "", "0873******57"),
        ("dân tộc", "Kinh", "Tày"),
    ]
    assert [(c.field, c.new) for c in plan.rows[0].changes] == [
        ("code", "HSN0001"),
        ("moet_code", "0123456789"),
        ("personal_id", "0872******56"),
        ("full_name", "Trần Minh Khôi"),
        ("birth_date", "02/09/2017"),
        ("gender", "Nam"),
        ("ethnicity", "Kinh"),
    ]
    assert preview.token
    assert snapshot() == before  # a preview writes nothing

    csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    created = Student.objects.get(code="HSN0001")
    assert (created.personal_id, created.moet_code, created.school) == (PID, "0123456789", th1)
    old.refresh_from_db()
    assert (old.personal_id, old.ethnicity) == (PID_F, "02")
    entry = AuditEntry.objects.filter(action="org.csdl.imported").get()
    assert json.loads(entry.data) == {
        "layout": "hoc-sinh-2024",
        "rows": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "created_students": ["HSN0001"],
    }


def test_confirm_is_all_or_nothing_when_hoso_changed_meanwhile(th1, vanthu):
    """The file was fine at preview; a clash made since then (another person took the
    personal id) makes the whole confirmation fail, the good row included."""
    preview = csdl_preview(
        actor=vanthu,
        school=th1,
        data=xlsx(FULL, [new_pupil(), new_pupil(code="HS2", moet_code="M2", personal_id=None)]),
    )
    StudentFactory(
        school=th1, code="HSX", personal_id=PID, birth_date=dt.date(2017, 1, 1), gender="NAM"
    )
    before = snapshot()
    with pytest.raises(CsdlRejected) as refused:
        csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    assert len(refused.value.plan.errors) == 1
    assert snapshot() == before
    assert not Student.objects.filter(code__in=["HSN0001", "HS2"]).exists()


def test_an_error_row_writes_nothing_even_with_a_forged_token(th1, vanthu):
    rows = [new_pupil(), new_pupil(code="HS2", moet_code="M2", personal_id="12")]
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(FULL, rows))
    assert preview.token == "" and len(preview.plan.errors) == 1
    before = snapshot()
    with pytest.raises(DomainError):
        csdl_confirm(actor=vanthu, school=th1, token="forged")
    assert snapshot() == before


def test_confirm_refuses_when_data_changed_since_preview(th1, vanthu):
    student = StudentFactory(school=th1, code="HSCU", moet_code="M100")
    preview = csdl_preview(
        actor=vanthu,
        school=th1,
        data=xlsx(FULL, [student_row(moet_code="M100", ethnicity="Tày")]),
    )
    student.ethnicity = "03"
    student.save(update_fields=["ethnicity"])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    assert "đã thay đổi từ lúc xem trước" in refused.value.message
    assert snapshot() == before


def test_staff_matched_on_personal_id_then_moet_code(world, th1, vanthu):
    lay = layouts()["can-bo-2025"]
    titles = [c.title for c in lay.columns]
    teacher = Staff.objects.get(user=world.people["th1.giaovien1"])
    teacher.moet_code = "GV77"
    teacher.save(update_fields=["moet_code"])
    idx = {c.field: i for i, c in enumerate(lay.columns) if c.field}
    row = [None] * len(titles)
    row[idx["moet_code"]], row[idx["full_name"]], row[idx["gender"]] = "GV77", "Tên Mới", "Nữ"
    row[idx["personal_id"]], row[idx["birth_date"]] = "001185012345", "01/01/1985"
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(titles, [row], sheet="CAN_BO"))
    assert [(r.action, r.target) for r in preview.plan.rows] == [("update", teacher)]
    csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    teacher.refresh_from_db()
    assert (teacher.full_name, teacher.personal_id) == ("Tên Mới", "001185012345")
    audit = AuditEntry.objects.filter(action="org.staff.updated").get()
    assert "001185012345" not in str(audit.data)


def test_classes_then_enrolments(th1, vanthu):
    StudentFactory(school=th1, code="HSA", moet_code="MA")
    classes = layouts()["lop-hoc-2025"]
    data = xlsx([c.title for c in classes.columns], [[1, "CS-1A", "1A", 1]], sheet="LOP_HOC")
    preview = csdl_preview(actor=vanthu, school=th1, data=data)
    csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    enrol = layouts()["xep-lop-2025"]
    titles = [c.title for c in enrol.columns]
    row = [1, "MA", None, None, "x", "CS-1A"]
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(titles, [row], sheet="XEP_LOP"))
    assert [(c.old, c.new) for c in preview.plan.rows[0].changes] == [("", "1A")]
    csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    assert Enrolment.objects.get(student__code="HSA").school_class.code == "CS-1A"


# --- export round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("layout_id", sorted(layouts()))
def test_export_imports_back_as_nothing_changed(world, th1, vanthu, layout_id):
    lop = school_class(th1, "2B", 2, code="CS-2B")
    pupil = StudentFactory(
        school=th1,
        code="HSR",
        moet_code="0099",
        personal_id=PID,
        birth_date=dt.date(2017, 2, 2),
        gender="NAM",
    )
    Enrolment.objects.create(student=pupil, school_class=lop, school_year=lop.school_year)
    teacher = Staff.objects.get(user=world.people["th1.giaovien1"])
    teacher.personal_id, teacher.moet_code = "001085012345", "GV1"
    teacher.birth_date = dt.date(1985, 1, 1)
    teacher.gender = "NAM"
    teacher.save()
    data = csdl_export(actor=vanthu, unit=th1, layout_id=layout_id)
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == layouts()[layout_id].sheet
    before = snapshot()
    plan = csdl_preview(actor=vanthu, school=th1, data=data).plan
    assert plan.errors == []
    assert plan.rows and {r.action for r in plan.rows} == {"same"}
    assert snapshot() == before


def test_export_masks_nothing_for_the_school_and_blanks_it_for_an_office(world, th1):
    StudentFactory(
        school=th1, code="HSR", personal_id=PID, birth_date=dt.date(2017, 2, 2), gender="NAM"
    )
    mine = csdl_export(actor=world.people["th1.hieutruong"], unit=th1, layout_id="hoc-sinh-2024")
    theirs = csdl_export(
        actor=world.people["phong1.chuyenvien"],
        unit=world.units["phong1"],
        layout_id="hoc-sinh-2024",
    )
    cells = lambda data: [c for row in load_workbook(io.BytesIO(data)).active.values for c in row]  # noqa: E731
    assert PID in cells(mine)
    assert PID not in cells(theirs) and "Trần Minh Khôi" not in cells(theirs)
    assert AuditEntry.objects.filter(action="org.csdl.exported").count() == 2
    with pytest.raises(NotAllowed):
        csdl_export(actor=world.people["th1.giaovien1"], unit=th1, layout_id="hoc-sinh-2024")


# --- who may, and what never shows ------------------------------------------------------------


def test_another_schools_principal_cannot_preview_or_confirm(world, th1, vanthu):
    other = world.people["th2.hieutruong"]
    data = xlsx(FULL, [new_pupil()])
    with pytest.raises(NotAllowed):
        csdl_preview(actor=other, school=th1, data=data)
    token = csdl_preview(actor=vanthu, school=th1, data=data).token
    before = snapshot()
    with pytest.raises(NotAllowed):
        csdl_confirm(actor=other, school=th1, token=token)
    with pytest.raises(DomainError):  # the token is the văn thư's, not the other principal's
        csdl_confirm(actor=other, school=world.units["th2"], token=token)
    assert snapshot() == before


def test_personal_id_never_in_audit_data_or_logs(th1, vanthu, caplog):
    StudentFactory(
        school=th1, code="HSCU", moet_code="M100", birth_date=dt.date(2017, 5, 1), gender="NU"
    )
    rows = [new_pupil(), student_row(moet_code="M100", personal_id=PID_F)]
    caplog.set_level(logging.DEBUG)
    preview = csdl_preview(actor=vanthu, school=th1, data=xlsx(FULL, rows))
    csdl_confirm(actor=vanthu, school=th1, token=preview.token)
    assert Student.objects.filter(personal_id__in=[PID, PID_F]).count() == 2
    audit = " ".join(str(e.data) for e in AuditEntry.objects.all())
    assert PID not in audit and PID_F not in audit
    assert "0873******57" in audit  # the change is logged, masked
    assert PID not in caplog.text and PID_F not in caplog.text
