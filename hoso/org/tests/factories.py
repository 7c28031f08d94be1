"""Staff, students and their classes for worlds built with tests/factories.py, made through
hoso.org.services as the product and the demo make them.

    StaffFactory(unit=world.units["to"], user=world.people["giaovien"])
    pupils = students(world.units["lop"], 3)   # three pupils enrolled in Lớp 1A this year
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from hoso.org.models import Gender, Staff, Student, Unit, UnitKind
from hoso.org.services import enrolment_set, staff_create, student_create, unit_create
from tests.factories import SchoolYearFactory, UnitFactory


class StaffFactory(DjangoModelFactory[Staff]):
    """A member of staff made by org.services.staff_create, tied to `user` as the demo ties its
    people (pages, certificates and books read the staff row)."""

    class Meta:
        model = Staff

    unit = factory.SubFactory(UnitFactory)
    user = None
    code = factory.Sequence(lambda n: f"CBW{n:05d}")
    full_name = factory.LazyAttribute(
        lambda o: o.user.get_full_name() if o.user is not None else "Nguyễn Thị Lan"
    )
    gender = Gender.NU
    position = ""
    email = factory.LazyAttribute(
        lambda o: f"{o.user.username}@test.hoso.edu.vn" if o.user is not None else ""
    )

    @classmethod
    def _create(cls, model_class: type[Staff], *args: Any, **kwargs: Any) -> Staff:
        user = kwargs.pop("user")
        staff = staff_create(actor=None, **kwargs)
        if user is not None:
            staff.user = user
            staff.save(update_fields=["user"])
        return staff


NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Minh Châu",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hoa",
)


class StudentFactory(DjangoModelFactory[Student]):
    """A pupil of `school` made by org.services.student_create."""

    class Meta:
        model = Student

    school = factory.SubFactory(UnitFactory, kind=UnitKind.TRUONG)
    code = factory.Sequence(lambda n: f"HSW{n:07d}")
    full_name = factory.Sequence(lambda n: NAMES[n % len(NAMES)])
    gender = factory.Sequence(lambda n: Gender.NAM if n % 2 == 0 else Gender.NU)
    birth_date = dt.date(2019, 3, 14)

    @classmethod
    def _create(cls, model_class: type[Student], *args: Any, **kwargs: Any) -> Student:
        return student_create(actor=None, **kwargs)


def students(school_class: Unit, count: int, **fields: Any) -> list[Student]:
    """`count` pupils of the class's school enrolled in `school_class` this year (through
    org.services.enrolment_set), in the order of their names."""
    year = SchoolYearFactory()
    made = [StudentFactory(school=school_class.school, **fields) for _ in range(count)]
    for student in made:
        enrolment_set(actor=None, student=student, school_class=school_class, school_year=year)
    return sorted(made, key=lambda s: s.sort_key)


def school_class(school: Unit, name: str, grade: int, code: str = "") -> Unit:
    """Lớp `name` (khối `grade`) of `school` for the current year, as the demo makes classes."""
    year = SchoolYearFactory()
    return unit_create(
        actor=None,
        code=code or f"{school.code}-{year.name[:4]}-{name.upper()}",
        name=f"Lớp {name}",
        kind=UnitKind.LOP,
        parent=school,
        school_year=year,
        grade=grade,
    )
