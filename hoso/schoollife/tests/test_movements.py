"""Each movement inside a school, and the refusals: another school's principal, a date before
admission, a class of another school, a missing reason; nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed, NotFound
from hoso.grading.models import Entry
from hoso.org.models import Enrolment, SchoolYear, Student
from hoso.org.tests.factories import StudentFactory, school_class, small_province
from hoso.org.tests.factories import students as pupils_of
from hoso.schoollife.models import Movement, MovementKind
from hoso.schoollife.services.movements import (
    admission_record,
    class_change,
    completion_record,
    drop_out_record,
    repeat_record,
)
from tests.factories import SchoolYearFactory

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> Any:
    world = small_province("sl")
    th1 = world.units["th1"]
    for name, grade in (("1A", 1), ("1B", 1), ("5A", 5)):
        world.units[name] = school_class(th1, name, grade, code=f"SL-TH1-{name}")
        pupils_of(world.units[name], 2)
    world.units["th2.1A"] = school_class(world.units["th2"], "1A", 1, code="SL-TH2-1A")
    return world


def _pupil(world: Any, key: str = "1A") -> Student:
    return Enrolment.objects.filter(school_class=world.units[key]).first().student


def _state(student: Student) -> tuple[Any, ...]:
    student.refresh_from_db()
    enrolments = list(
        Enrolment.objects.filter(student=student).values_list(
            "school_class_id", "start_date", "end_date"
        )
    )
    return (student.is_active, student.left_on, enrolments, Movement.objects.count())


def test_admission_places_a_new_student_from_that_day(world: Any) -> None:
    student = StudentFactory(school=world.units["th1"], admitted_on=None)
    day = dt.date(2025, 10, 6)
    movement = admission_record(
        actor=world.people["th1.vanthu"],
        student=student,
        school_class=world.units["1A"],
        on=day,
        document_number="5/QĐ-THND",
    )
    student.refresh_from_db()
    assert (movement.kind, movement.to_class, movement.document_number) == (
        MovementKind.ADMISSION,
        world.units["1A"],
        "5/QĐ-THND",
    )
    assert student.admitted_on == day
    row = Enrolment.objects.get(student=student)
    assert (row.school_class, row.start_date, row.end_date) == (world.units["1A"], day, None)
    assert AuditEntry.objects.filter(action="schoollife.movement.nhap_hoc").count() == 1


def test_class_change_moves_the_year_and_its_scores(world: Any) -> None:
    pupil = _pupil(world)
    year = SchoolYearFactory()
    Entry.objects.create(
        school_year=year,
        school_class=world.units["1A"],
        student=pupil,
        area="TV",
        slot="x",
        value="T",
    )
    day = dt.date(2025, 11, 3)
    movement = class_change(
        actor=world.people["th1.hieutruong"], student=pupil, to_class=world.units["1B"], on=day
    )
    assert (movement.from_class, movement.to_class, movement.on) == (
        world.units["1A"],
        world.units["1B"],
        day,
    )
    assert Enrolment.objects.get(student=pupil).school_class == world.units["1B"]
    assert Entry.objects.get(student=pupil).school_class == world.units["1B"]


def test_drop_out_needs_a_reason_and_closes_the_stay(world: Any) -> None:
    pupil = _pupil(world)
    before = _state(pupil)
    with pytest.raises(DomainError) as missing:
        drop_out_record(
            actor=world.people["th1.vanthu"], student=pupil, on=dt.date(2026, 3, 2), reason=" "
        )
    assert missing.value.message == "Hãy ghi lí do."
    assert _state(pupil) == before
    drop_out_record(
        actor=world.people["th1.vanthu"],
        student=pupil,
        on=dt.date(2026, 3, 2),
        reason="Gia đình chuyển đi làm ăn xa",
    )
    pupil.refresh_from_db()
    assert (pupil.is_active, pupil.left_on) == (False, dt.date(2026, 3, 2))
    assert pupil.leave_reason == "Bỏ học: Gia đình chuyển đi làm ăn xa"
    assert Enrolment.objects.get(student=pupil).end_date == dt.date(2026, 3, 2)
    with pytest.raises(DomainError) as again:
        drop_out_record(
            actor=world.people["th1.vanthu"], student=pupil, on=dt.date(2026, 3, 3), reason="x"
        )
    assert again.value.message == "Học sinh đã rời trường ngày 02/03/2026."


def test_repeat_places_the_student_in_the_same_grade_next_year(world: Any) -> None:
    pupil = _pupil(world)
    next_year = SchoolYear.objects.create(
        name="2026-2027",
        start_date=dt.date(2026, 9, 5),
        end_date=dt.date(2027, 5, 31),
        term1_end=dt.date(2027, 1, 16),
    )
    again = school_class(world.units["th1"], "1C", 1, code="SL-TH1-1C-2026")
    again.school_year = next_year
    again.save(update_fields=["school_year"])
    movement = repeat_record(
        actor=world.people["th1.hieutruong"],
        student=pupil,
        school_class=world.units["1A"],
        next_class=again,
    )
    assert (movement.kind, movement.on) == (MovementKind.REPEAT, dt.date(2026, 5, 31))
    assert Enrolment.objects.get(student=pupil, school_year=next_year).school_class == again
    with pytest.raises(DomainError) as twice:
        repeat_record(
            actor=world.people["th1.hieutruong"], student=pupil, school_class=world.units["1A"]
        )
    assert twice.value.message == "Đã ghi lưu ban cho học sinh trong năm học này."


def test_completion_only_from_the_last_grade(world: Any) -> None:
    first, fifth = _pupil(world), _pupil(world, "5A")
    before = _state(first)
    with pytest.raises(DomainError) as early:
        completion_record(
            actor=world.people["th1.hieutruong"], student=first, on=dt.date(2026, 5, 25)
        )
    assert early.value.message == (
        "Chỉ học sinh lớp cuối cấp mới được ghi hoàn thành chương trình cấp học."
    )
    assert _state(first) == before
    completion_record(actor=world.people["th1.hieutruong"], student=fifth, on=dt.date(2026, 5, 25))
    fifth.refresh_from_db()
    assert (fifth.is_active, fifth.leave_reason) == (False, "Hoàn thành chương trình cấp học")


def test_refusals_change_nothing(world: Any) -> None:
    pupil = _pupil(world)
    pupil.admitted_on = dt.date(2025, 10, 1)
    pupil.save(update_fields=["admitted_on"])
    before = _state(pupil)
    # another school's principal: the student is hidden from them
    with pytest.raises(NotFound):
        class_change(
            actor=world.people["th2.hieutruong"],
            student=pupil,
            to_class=world.units["1B"],
            on=dt.date(2025, 11, 3),
        )
    # a teacher of the school sees the student but does not record movements
    with pytest.raises(NotAllowed):
        class_change(
            actor=world.people["th1.giaovien1"],
            student=pupil,
            to_class=world.units["1B"],
            on=dt.date(2025, 11, 3),
        )
    # a date before admission
    with pytest.raises(DomainError) as early:
        drop_out_record(
            actor=world.people["th1.vanthu"], student=pupil, on=dt.date(2025, 9, 20), reason="x"
        )
    assert early.value.message == (
        "Ngày 20/09/2025 trước ngày học sinh vào trường, vào lớp (01/10/2025)."
    )
    # a class of another school
    with pytest.raises(DomainError) as other:
        class_change(
            actor=world.people["th1.vanthu"],
            student=pupil,
            to_class=world.units["th2.1A"],
            on=dt.date(2025, 11, 3),
        )
    assert other.value.message == "Lớp không thuộc trường của học sinh."
    assert _state(pupil) == before
