"""Staff, students and their classes for worlds built with tests/factories.py, made through
hoso.org.services as the product and the demo make them.

    StaffFactory(unit=world.units["to"], user=world.people["giaovien"])   # tests.factories
    pupils = students(world.units["lop"], 3)   # three pupils enrolled in Lớp 1A this year
    province = small_province("tv")              # the demo's schools and named people, small
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from hoso.org.models import Gender, Role, Student, Unit, UnitKind
from hoso.org.services import enrolment_set, student_create, unit_create
from tests.factories import (
    SchoolYearFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    World,
    grant,
)

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
    """A pupil of `school` made by org.services.student_create, with the particulars of the
    official books (as the demo's pupils have them: a học bạ cannot be signed without)."""

    class Meta:
        model = Student

    school = factory.SubFactory(UnitFactory, kind=UnitKind.TRUONG)
    code = factory.Sequence(lambda n: f"HSW{n:07d}")
    full_name = factory.Sequence(lambda n: NAMES[n % len(NAMES)])
    gender = factory.Sequence(lambda n: Gender.NAM if n % 2 == 0 else Gender.NU)
    birth_date = dt.date(2019, 3, 14)
    ethnicity = "01"
    birth_place = "Xã An Phú, Huyện An Phú, Tỉnh Demo"
    hometown = "Xã An Bình, Huyện An Phú, Tỉnh Demo"
    address = "Thôn 3, Xã An Phú, Huyện An Phú, Tỉnh Demo"
    father_name = factory.Sequence(lambda n: f"Nguyễn Văn Cha {n}")
    father_job = "Nông dân"
    mother_name = factory.Sequence(lambda n: f"Trần Thị Mẹ {n}")
    mother_job = "Giáo viên"
    register_number = factory.Sequence(lambda n: str(n + 1))
    admitted_on = dt.date(2025, 9, 5)

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


# key → (code, name, level, phòng); the Tổ of each school below
SCHOOLS = {
    "th1": ("TH1", "Trường Tiểu học Nguyễn Du", "TH", "phong1"),
    "thcs1": ("THCS1", "Trường THCS Lê Quý Đôn", "THCS", "phong1"),
    "mn1": ("MN1", "Trường Mầm non Hoa Sen", "MN", "phong1"),
    "th2": ("TH2", "Trường Tiểu học Kim Đồng", "TH", "phong2"),
}
GROUPS = {
    "th1": (("to1", "Tổ khối 1"), ("to23", "Tổ khối 2-3")),
    "thcs1": (("toan", "Tổ Toán - Tin học"),),
    "mn1": (("mg", "Tổ Mẫu giáo"),),
    "th2": (("to12", "Tổ khối 1-2"),),
}
# username → (role, unit key), as in hoso.org.demo.NAMED_ACCOUNTS
PEOPLE = {
    "admin": (Role.QTHT, "so"),
    "so.chuyenvien": (Role.CV_SO, "so"),
    "phong1.chuyenvien": (Role.CV_PHONG, "phong1"),
    "phong2.chuyenvien": (Role.CV_PHONG, "phong2"),
    "th1.hieutruong": (Role.HT, "th1"),
    "th1.phohieutruong": (Role.PHT, "th1"),
    "th1.vanthu": (Role.VT, "th1"),
    "th1.thuthu": (Role.TV, "th1"),
    "th1.totruong": (Role.TTCM, "th1.to1"),
    "th1.giaovien1": (Role.GV, "th1.to1"),
    "th1.giaovien2": (Role.GV, "th1.to1"),
    "th1.giaovien3": (Role.GV, "th1.to23"),
    "thcs1.hieutruong": (Role.HT, "thcs1"),
    "thcs1.giaovien1": (Role.GV, "thcs1.toan"),
    "thcs1.giaovien2": (Role.GV, "thcs1.toan"),
    "th2.hieutruong": (Role.HT, "th2"),
    "th2.giaovien1": (Role.GV, "th2.to12"),
}


@dataclass
class Province(World):
    """A World whose codes and usernames start with `prefix` ("GB-TH1", "gb.th1.hieutruong")."""

    prefix: str = "w"


def small_province(prefix: str) -> Province:
    """The demo province's shape in small, keyed by the demo's names: Sở > Phòng 1 (th1, thcs1,
    mn1), Phòng 2 (th2), each school with one Tổ, no class; one person per account of PEOPLE in
    the demo's role, with a staff row (the Tổ trưởng also teaches in the Tổ). Codes and
    usernames carry `prefix` ("GB-TH1", "gb.th1.hieutruong"): a worker may have loaded the demo
    too, whose own codes and usernames these must not meet."""
    code_prefix = prefix.upper()
    world = Province(SchoolYearFactory(), prefix=prefix)
    so = UnitFactory(code=f"SO-{code_prefix}", name="Sở GDĐT thử", kind=UnitKind.SO)
    world.units["so"] = so
    for key in ("phong1", "phong2"):
        world.units[key] = UnitFactory(
            code=f"PGD-{code_prefix}{key[-1]}",
            name=f"Phòng GDĐT {key[-1]}",
            kind=UnitKind.PHONG,
            parent=so,
        )
    for key, (code, name, level, phong) in SCHOOLS.items():
        school = UnitFactory(
            code=f"{code_prefix}-{code}",
            name=name,
            kind=UnitKind.TRUONG,
            parent=world.units[phong],
            level=level,
        )
        world.units[key] = school
        for group, group_name in GROUPS[key]:
            world.units[f"{key}.{group}"] = UnitFactory(
                code=f"{code_prefix}-{code}-{group.upper()}",
                name=group_name,
                kind=UnitKind.TO,
                parent=school,
            )
    for username, (role, where) in PEOPLE.items():
        admin = username == "admin"
        person = UserFactory(username=f"{prefix}.{username}", is_staff=admin, is_superuser=admin)
        grant(person, role, world.units[where])
        StaffFactory(unit=world.units[where], user=person, position=str(role))
        world.people[username] = person
        world.posts[username] = where
    grant(world.people["th1.totruong"], Role.GV, world.units["th1.to1"])
    return world
