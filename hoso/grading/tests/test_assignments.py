"""Phân công giảng dạy, GVCN and electives: pages, API and services (HT/PHT of the school
only; validation in Vietnamese; all-or-nothing; audited with before and after)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.catalogue import class_subjects
from hoso.grading.models import Entry, Homeroom, SchoolSubject, TeachingAssignment
from hoso.grading.selectors import HOMEROOM, assignments_of
from hoso.grading.services.assignments import (
    AssignmentChange,
    assignments_assign,
    school_subjects_assign,
)
from hoso.grading.tests.conftest import first_student, gvcn_of, teacher_of
from hoso.grading.tests.factories import gradebook_world
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_world("th1.1A", "th1.1B", "th2.1A", pupils=2)


def _state(school: Any) -> dict[str, int]:
    return dict(assignments_of(school))


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# --- services ------------------------------------------------------------------------------


def test_principal_reassigns_a_subject_and_the_change_is_audited(world):
    # Given 1A's Toán taught by someone other than giaovien2
    lop, ht, gv2 = (
        world.units["th1.1A"],
        world.people["th1.hieutruong"],
        world.people["th1.giaovien2"],
    )
    before = teacher_of(lop, "toan")
    if before.pk == gv2.pk:
        gv2 = world.people["th1.giaovien1"]
    # When the principal assigns giaovien2
    changed = assignments_assign(
        actor=ht, school=world.units["th1"], changes=[AssignmentChange(lop.pk, "toan", gv2.pk)]
    )
    # Then the assignment changed, once, and the audit has before and after
    assert changed == 1
    assert teacher_of(lop, "toan").pk == gv2.pk
    entry = AuditEntry.objects.filter(action="grading.assignment.assigned").latest("seq")
    assert entry.payload["changes"] == [
        {"class": lop.pk, "subject": "toan", "before": before.pk, "after": gv2.pk}
    ]


def test_a_teacher_cannot_change_assignments(world):
    lop, school = world.units["th1.1A"], world.units["th1"]
    before = _state(school)
    with pytest.raises(NotAllowed):
        assignments_assign(
            actor=world.people["th1.giaovien1"],
            school=school,
            changes=[AssignmentChange(lop.pk, "toan", world.people["th1.giaovien1"].pk)],
        )
    assert _state(school) == before


def test_teacher_of_another_school_is_refused_and_nothing_is_saved(world):
    # Given one valid and one invalid cell in the same submission
    lop, school = world.units["th1.1A"], world.units["th1"]
    before = _state(school)
    audits = _audits("grading.assignment.assigned")
    changes = [
        AssignmentChange(lop.pk, "tieng_viet", world.people["th1.giaovien2"].pk),
        AssignmentChange(lop.pk, "toan", world.people["th2.giaovien1"].pk),
    ]
    with pytest.raises(DomainError) as caught:
        assignments_assign(actor=world.people["th1.hieutruong"], school=school, changes=changes)
    assert caught.value.fields == {
        f"{lop.pk}|toan": [
            "Giáo viên được phân công phải là cán bộ, giáo viên đang làm việc tại trường."
        ]
    }
    assert caught.value.message.startswith("1 ô chưa hợp lệ, chưa lưu ô nào.")
    assert _state(school) == before
    assert _audits("grading.assignment.assigned") == audits


def test_subject_outside_the_grade_and_class_of_another_school_are_refused(world):
    lop, school, ht = world.units["th1.1A"], world.units["th1"], world.people["th1.hieutruong"]
    gv = world.people["th1.giaovien1"].pk
    with pytest.raises(DomainError) as caught:
        assignments_assign(
            actor=ht,
            school=school,
            changes=[
                AssignmentChange(lop.pk, "ngu_van", gv),
                AssignmentChange(world.units["th2.1A"].pk, "toan", gv),
            ],
        )
    assert caught.value.fields == {
        f"{lop.pk}|ngu_van": ["Môn 'ngu_van' không thuộc chương trình khối 1 mà trường đang dạy."],
        f"{world.units['th2.1A'].pk}|toan": ["Lớp không thuộc trường trong năm học hiện tại."],
    }


def test_one_gvcn_per_class_replaced_then_cleared(world):
    lop, school, ht = world.units["th1.1B"], world.units["th1"], world.people["th1.phohieutruong"]
    other = world.people["th1.giaovien3"]
    assignments_assign(
        actor=ht, school=school, changes=[AssignmentChange(lop.pk, HOMEROOM, other.pk)]
    )
    assert gvcn_of(lop).pk == other.pk
    assert Homeroom.objects.filter(school_class=lop).count() == 1
    assignments_assign(actor=ht, school=school, changes=[AssignmentChange(lop.pk, HOMEROOM, None)])
    assert not Homeroom.objects.filter(school_class=lop).exists()


def test_elective_switched_on_then_off_drops_its_assignments(world):
    school, lop, ht = world.units["th1"], world.units["th1.1A"], world.people["th1.hieutruong"]
    code = "tieng_dan_toc_thieu_so"
    assert code not in {s.code for s in class_subjects(lop)}
    # On: the subject becomes assignable
    assert school_subjects_assign(actor=ht, school=school, grade=1, enabled={code}) == [code]
    assignments_assign(
        actor=ht,
        school=school,
        changes=[AssignmentChange(lop.pk, code, world.people["th1.giaovien2"].pk)],
    )
    # Off: refused while marks exist, then allowed and the assignment goes with it
    student = first_student(lop)
    Entry.objects.create(
        school_year=lop.school_year,
        school_class=lop,
        student=student,
        area=code,
        slot="x",
        value="T",
    )
    with pytest.raises(DomainError, match="đã có điểm"):
        school_subjects_assign(actor=ht, school=school, grade=1, enabled=set())
    assert SchoolSubject.objects.get(school=school, grade=1, code=code).enabled
    Entry.objects.filter(area=code).delete()
    assert school_subjects_assign(actor=ht, school=school, grade=1, enabled=set()) == [code]
    assert not TeachingAssignment.objects.filter(school_class=lop, subject_code=code).exists()


def test_compulsory_subject_stays_and_unknown_code_is_refused(world):
    school, ht = world.units["th1"], world.people["th1.hieutruong"]
    school_subjects_assign(actor=ht, school=school, grade=1, enabled=set())
    assert SchoolSubject.objects.get(school=school, grade=1, code="toan").enabled
    with pytest.raises(DomainError, match="Môn không có trong chương trình khối 1: vat_li"):
        school_subjects_assign(actor=ht, school=school, grade=1, enabled={"vat_li"})


# --- pages ---------------------------------------------------------------------------------


def test_grid_page_saves_changed_cells_only(world):
    lop, school = world.units["th1.1A"], world.units["th1"]
    gv3 = world.people["th1.giaovien3"]
    url = reverse("grading:assignment-grid", kwargs={"pk": school.pk, "grade": 1})
    page = login(world.people["th1.hieutruong"]).get(url)
    assert page.status_code == 200
    assert f'name="t-{lop.pk}|toan"'.encode() in page.content
    assert f'name="t-{lop.pk}|gvcn"'.encode() in page.content
    data = {f"t-{k}": str(v) for k, v in assignments_of(school).items()}
    data[f"t-{lop.pk}|toan"] = str(gv3.pk)
    response = login(world.people["th1.hieutruong"]).post(url, data)
    assert response.status_code == 302
    assert teacher_of(lop, "toan").pk == gv3.pk
    entry = AuditEntry.objects.filter(action="grading.assignment.assigned").latest("seq")
    assert [c["subject"] for c in entry.payload["changes"]] == ["toan"]


def test_grid_page_shows_the_error_of_a_cell_and_saves_nothing(world):
    lop, school = world.units["th1.1A"], world.units["th1"]
    before = _state(school)
    url = reverse("grading:assignment-grid", kwargs={"pk": school.pk, "grade": 1})
    response = login(world.people["th1.hieutruong"]).post(
        url, {f"t-{lop.pk}|toan": str(world.people["th2.giaovien1"].pk)}
    )
    assert response.status_code == 400
    assert "phải là cán bộ, giáo viên đang làm việc tại trường" in response.content.decode()
    assert _state(school) == before


@pytest.mark.parametrize("username", ["th1.giaovien1", "th2.hieutruong", "thcs1.hieutruong"])
def test_others_get_404_and_change_nothing(world, username):
    school, lop = world.units["th1"], world.units["th1.1A"]
    before = _state(school)
    grid = reverse("grading:assignment-grid", kwargs={"pk": school.pk, "grade": 1})
    client = login(world.people[username])
    assert (
        client.get(reverse("grading:assignment-school", kwargs={"pk": school.pk})).status_code
        == 404
    )
    assert client.post(grid, {f"t-{lop.pk}|toan": ""}).status_code == 404
    subjects = reverse("grading:school-subjects", kwargs={"pk": school.pk})
    assert client.post(subjects + "?khoi=1", {"enabled": ["ngoai_ngu_1"]}).status_code == 404
    assert _state(school) == before


def test_subject_catalogue_page_shows_sources_and_unconfirmed_facts(world):
    url = reverse("grading:school-subjects", kwargs={"pk": world.units["th1"].pk}) + "?khoi=1"
    html = login(world.people["th1.hieutruong"]).get(url).content.decode()
    assert "Chương trình GDPT 2018 (TT 32/2018/TT-BGDĐT)" in html
    assert "Chưa xác nhận</strong>: các lần kiểm tra định kì" in html
    assert 'name="enabled" value="ngoai_ngu_1"' in html


def test_nav_entries_for_leaders_only(world):
    assert "Phân công giảng dạy" in login(world.people["th1.hieutruong"]).get("/").content.decode()
    assert (
        "Phân công giảng dạy" not in login(world.people["th1.giaovien1"]).get("/").content.decode()
    )
    assert "Cấu hình đánh giá" in login(world.people["so.chuyenvien"]).get("/").content.decode()
    assert (
        "Cấu hình đánh giá" not in login(world.people["th1.hieutruong"]).get("/").content.decode()
    )


# --- API -----------------------------------------------------------------------------------


def test_api_lists_and_assigns(world):
    school, lop = world.units["th1"], world.units["th1.1A"]
    url = reverse("api-grading-assignments", kwargs={"pk": school.pk})
    body = api_login(world.people["th1.hieutruong"]).get(url).json()
    assert {"school_class": lop.pk, "subject": "toan", "teacher": teacher_of(lop, "toan").pk} in (
        body["assignments"]
    )
    gv2 = world.people["th1.giaovien2"]
    changes = {"changes": [{"school_class": lop.pk, "subject": "gvcn", "teacher": gv2.pk}]}
    response = api_login(world.people["th1.hieutruong"]).post(url, changes, format="json")
    assert response.status_code == 200
    assert gvcn_of(lop).pk == gv2.pk


def test_api_refusals(world):
    school, lop = world.units["th1"], world.units["th1.1A"]
    before = _state(school)
    url = reverse("api-grading-assignments", kwargs={"pk": school.pk})
    changes = {"changes": [{"school_class": lop.pk, "subject": "toan", "teacher": None}]}
    assert (
        api_login(world.people["th1.giaovien1"]).post(url, changes, format="json").status_code
        == 404
    )
    assert api_login(world.people["th2.hieutruong"]).get(url).status_code == 404
    bad = {"changes": [{"school_class": lop.pk, "subject": "vat_li", "teacher": None}]}
    response = api_login(world.people["th1.hieutruong"]).post(url, bad, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"{lop.pk}|vat_li": ["Môn 'vat_li' không thuộc chương trình khối 1 mà trường đang dạy."]
    }
    assert _state(school) == before


def test_api_subject_catalogue(world):
    url = reverse("api-grading-subjects", kwargs={"pk": world.units["thcs1"].pk})
    body = api_login(world.people["thcs1.hieutruong"]).get(url + "?grade=6").json()
    codes = {row["code"]: row for row in body["subjects"]}
    assert codes["ngu_van"]["confirmed"] is True and codes["ngu_van"]["elective"] is False
    assert codes["ngoai_ngu_2"]["elective"] is True
    assert api_login(world.people["thcs1.hieutruong"]).get(url + "?grade=1").status_code == 400


def test_api_my_sheets_lists_what_the_teacher_enters(world):
    lop = world.units["th1.1A"]
    teacher, gvcn = teacher_of(lop, "toan"), gvcn_of(lop)
    mine = api_login(teacher).get(reverse("api-grading-my-sheets")).json()
    assert {
        "school_class": lop.pk,
        "class_name": lop.name,
        "sheet": "toan",
        "as": "subject_teacher",
    } in mine
    homeroom = api_login(gvcn).get(reverse("api-grading-my-sheets")).json()
    assert {
        "school_class": lop.pk,
        "class_name": lop.name,
        "sheet": "pcnl",
        "as": "gvcn",
    } in homeroom
    assert (
        api_login(world.people["th1.hieutruong"]).get(reverse("api-grading-my-sheets")).json() == []
    )
