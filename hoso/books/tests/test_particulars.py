"""Student particulars the official books need: what is missing per book, filling them (GVCN,
school leaders), the import columns, and bad input refused with nothing stored. Own world:
hoso.grading.tests.factories.gradebook_world with th1's Lớp 1A (its GVCN, six pupils with every
particular)."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.audit.models import AuditEntry
from hoso.books.missing import Book, particulars_missing
from hoso.books.services.particulars import particulars_fill
from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.models import Homeroom
from hoso.grading.tests.factories import gradebook_world
from hoso.org.importing.columns import SHEETS
from hoso.org.importing.services import ImportRejected, import_file
from hoso.org.models import Enrolment, Student
from hoso.org.particulars import ethnicities, ethnicity_code, personal_id_problem
from hoso.org.tests.test_import import xlsx
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    return gradebook_world("th1.1A")


@pytest.fixture
def lop1a(world):
    return world.units["th1.1A"]


@pytest.fixture
def pupil(lop1a):
    return Enrolment.objects.filter(school_class=lop1a).order_by("student__sort_key")[1].student


def test_the_54_ethnicities_are_matched_by_name_alias_or_code():
    assert len(ethnicities()) == 54
    assert ethnicities()[0] == ("01", "Kinh")
    assert ethnicity_code("kinh") == "01"
    assert ethnicity_code("Khmer") == "05"
    assert ethnicity_code("Khơ Me") == "05"
    assert ethnicity_code("1") == "01"
    assert ethnicity_code("Người sao Hỏa") is None


def test_personal_id_must_agree_with_birth_year_and_sex():
    assert personal_id_problem("087317123456", birth_year=2017, gender="NU") == ""
    assert "12 chữ số" in personal_id_problem("08731712345")
    assert "năm sinh" in personal_id_problem("087316123456", birth_year=2017, gender="NU")
    assert "giới tính" in personal_id_problem("087217123456", birth_year=2017, gender="NU")
    assert "thứ 4" in personal_id_problem("087117123456", birth_year=2017, gender="NU")


def test_a_blank_particular_is_listed_for_each_book_that_prints_it(pupil):
    # Given a pupil with every particular, then quê quán and the parents cleared
    assert particulars_missing(pupil, Book.HOCBA_TH) == []
    assert particulars_missing(pupil, Book.SO_DANG_BO) == []
    pupil.hometown = pupil.father_name = pupil.mother_name = ""
    # Then the học bạ and the sổ đăng bộ list them; the score book prints no quê quán
    parent = "họ tên cha, mẹ hoặc người giám hộ"
    assert particulars_missing(pupil, Book.HOCBA_TH) == ["quê quán", parent]
    assert particulars_missing(pupil, Book.SO_DANG_BO) == ["quê quán", parent]
    assert particulars_missing(pupil, Book.SO_THEO_DOI) == [parent]
    # A guardian is enough
    pupil.guardian_name = "Trần Văn Bảo"
    assert particulars_missing(pupil, Book.SO_THEO_DOI) == []


def test_the_gvcn_fills_a_particular_of_their_pupil(lop1a, pupil):
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    changed = particulars_fill(
        actor=gvcn,
        student=pupil,
        changes={"hometown": "  Xã  Phú Hữu, Huyện An Phú ", "ethnicity": "02"},
    )
    pupil.refresh_from_db()
    assert changed == ["ethnicity", "hometown"]
    assert (pupil.hometown, pupil.ethnicity) == ("Xã Phú Hữu, Huyện An Phú", "02")
    entry = AuditEntry.objects.filter(action="org.student.updated").order_by("-id").first()
    assert entry is not None and entry.actor_id == gvcn.pk


def test_a_teacher_of_another_class_may_not_fill(world, pupil):
    before = Student.objects.get(pk=pupil.pk).hometown
    with pytest.raises(NotAllowed):
        particulars_fill(
            actor=world.people["thcs1.giaovien1"], student=pupil, changes={"hometown": "X"}
        )
    assert Student.objects.get(pk=pupil.pk).hometown == before


def test_bad_particulars_are_refused_and_nothing_is_stored(world, pupil):
    vanthu = world.people["th1.vanthu"]
    before = Student.objects.get(pk=pupil.pk)
    other = Student.objects.filter(school=pupil.school).exclude(pk=pupil.pk).first()
    for changes, field in (
        ({"ethnicity": "99", "hometown": "Mới"}, "ethnicity"),
        ({"personal_id": "0873171234", "hometown": "Mới"}, "personal_id"),
        ({"register_number": other.register_number, "hometown": "Mới"}, "register_number"),
        (
            {"admitted_on": dt.date(2025, 9, 5), "left_on": dt.date(2024, 1, 1)},
            "left_on",
        ),
    ):
        with pytest.raises(DomainError) as refused:
            particulars_fill(actor=vanthu, student=pupil, changes=dict(changes))
        assert field in refused.value.fields
        after = Student.objects.get(pk=pupil.pk)
        assert (after.hometown, after.ethnicity, after.left_on) == (
            before.hometown,
            before.ethnicity,
            before.left_on,
        )


def test_the_fill_page_saves_and_shows_what_is_missing(lop1a, pupil):
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    Student.objects.filter(pk=pupil.pk).update(hometown="", nationality="")
    client = login(gvcn)
    page = client.get(f"/so-sach/lop/{lop1a.pk}/con-thieu/")
    assert page.status_code == 200
    assert "quốc tịch, quê quán" in page.content.decode()
    response = client.post(
        f"/so-sach/hoc-sinh/{pupil.pk}/ly-lich/",
        {"hometown": "Xã An Bình", "nationality": "Việt Nam", "admitted_on": "31/02/2025"},
    )
    assert response.status_code == 200
    assert "không phải ngày hợp lệ" in response.content.decode()
    assert Student.objects.get(pk=pupil.pk).hometown == ""
    response = client.post(
        f"/so-sach/hoc-sinh/{pupil.pk}/ly-lich/",
        {"hometown": "Xã An Bình", "nationality": "Việt Nam"},
    )
    assert response.status_code == 302
    assert particulars_missing(Student.objects.get(pk=pupil.pk), Book.HOCBA_TH) == []


def test_import_reads_the_particulars_and_an_old_file_keeps_them(world):
    th1, vanthu = world.units["th1"], world.people["th1.vanthu"]
    headers = [c.header for c in SHEETS["students"]]
    row = [
        "HSX0000009",
        "Trần Minh Khôi",
        "Nam",
        "02/09/2017",
        "087217123456",
        "Khmer",
        "Việt Nam",
        "Xã An Phú",
        "Xã An Phú",
        "Thôn 2",
        "Trần Văn Hùng",
        "Nông dân",
        "Lê Thị Mai",
        "Giáo viên",
        "",
        "",
        "",
        "9001",
        "05/09/2023",
        "",
    ]
    import_file(actor=vanthu, kind="students", school=th1, data=xlsx([row], headers=headers))
    student = Student.objects.get(code="HSX0000009")
    assert (student.ethnicity, student.personal_id, student.register_number) == (
        "05",
        "087217123456",
        "9001",
    )
    assert student.admitted_on == dt.date(2023, 9, 5)
    # An old four-column file updates the name and leaves the particulars alone
    old = xlsx([["HSX0000009", "Trần Minh Khôi", "Nam", "03/09/2017"]], headers=headers[:4])
    import_file(actor=vanthu, kind="students", school=th1, data=old)
    student.refresh_from_db()
    assert (student.birth_date, student.ethnicity) == (dt.date(2017, 9, 3), "05")


def test_import_lists_every_bad_particular_and_writes_nothing(world):
    th1, vanthu = world.units["th1"], world.people["th1.vanthu"]
    headers = [c.header for c in SHEETS["students"]]
    blank = [""] * (len(headers) - 6)
    count = Student.objects.count()
    rows = [
        ["HSX0000010", "A B", "Nam", "02/09/2017", "087316123456", "Sao Hỏa", *blank],
        ["HSX0000011", "C D", "Nữ", "02/09/2017", "12345", "Kinh", *blank],
    ]
    with pytest.raises(ImportRejected) as refused:
        import_file(actor=vanthu, kind="students", school=th1, data=xlsx(rows, headers=headers))
    messages = [e.message for e in refused.value.result.errors]
    assert any("danh mục 54 dân tộc" in m for m in messages)
    assert any("12 chữ số" in m for m in messages)
    # Rows that parse, checked against the student and the school: year, sex, register number
    taken = Student.objects.filter(school=th1).exclude(register_number="").first()
    row = ["HSX0000012", "E F", "Nam", "02/09/2017", "087216123456", "Kinh", *blank]
    row[headers.index("Số đăng bộ")] = taken.register_number
    with pytest.raises(ImportRejected) as refused:
        import_file(actor=vanthu, kind="students", school=th1, data=xlsx([row], headers=headers))
    messages = [e.message for e in refused.value.result.errors]
    assert messages == [
        "Số định danh cá nhân chữ số thứ 5-6 không khớp với năm sinh 2017.",
        f"Số đăng bộ “{taken.register_number}” bị trùng với học sinh khác.",
    ]
    assert Student.objects.count() == count
