"""The demo province "Tỉnh Demo": loaded by `make run`, reset by `hoso demo`.

Other apps add their demo data through `register_demo_step` (records, grades, signatures…)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from hoso.org.demo_clock import anchor_date, anchor_time, school_year_of
from hoso.org.demo_names import random_name
from hoso.org.models import Gender, Role, SchoolYear, Unit, UnitKind
from hoso.org.services import enrolment_set, role_assign, staff_create, student_create, unit_create

DEMO_SO_CODE = "SO-DEMO"
DemoStep = Callable[["DemoProvince"], None]
_STEPS: list[tuple[int, DemoStep]] = []


def register_demo_step(step: DemoStep, order: int = 100) -> None:
    if all(existing is not step for _, existing in _STEPS):
        _STEPS.append((order, step))


@dataclass
class DemoProvince:
    year: SchoolYear
    units: dict[str, Unit]
    users: dict[str, Any]
    rng: random.Random
    # The demo's today and now (hoso.org.demo_clock): every step dates its data from these.
    today: dt.date
    now: dt.datetime


# (key, code, name, level, phòng) of each school
SCHOOLS = [
    ("th1", "TH1", "Trường Tiểu học Nguyễn Du", "TH", "phong1"),
    ("thcs1", "THCS1", "Trường THCS Lê Quý Đôn", "THCS", "phong1"),
    ("mn1", "MN1", "Trường Mầm non Hoa Sen", "MN", "phong1"),
    ("th2", "TH2", "Trường Tiểu học Kim Đồng", "TH", "phong2"),
]
GROUPS = {
    "th1": [("to1", "Tổ khối 1"), ("to23", "Tổ khối 2-3"), ("to45", "Tổ khối 4-5")],
    "thcs1": [("toan", "Tổ Toán - Tin học"), ("van", "Tổ Ngữ văn - Lịch sử - Địa lí")],
    "mn1": [("mg", "Tổ Mẫu giáo")],
    "th2": [("to12", "Tổ khối 1-2"), ("to345", "Tổ khối 3-4-5")],
}
CLASSES = {
    "th1": [("1A", 1), ("1B", 1), ("2A", 2), ("3A", 3), ("4A", 4), ("5A", 5)],
    "thcs1": [("6A", 6), ("7A", 7), ("8A", 8), ("9A", 9)],
    "mn1": [("Lá 1", 5), ("Chồi 1", 4)],
    "th2": [("1A", 1), ("2A", 2), ("3A", 3), ("4A", 4), ("5A", 5)],
}
# username → (unit key, position, [(role, unit key)])
NAMED_ACCOUNTS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "admin": ("so", "Quản trị hệ thống", [(Role.QTHT, "so")]),
    "so.chuyenvien": ("so", "Chuyên viên Sở", [(Role.CV_SO, "so")]),
    "phong1.chuyenvien": ("phong1", "Chuyên viên Phòng", [(Role.CV_PHONG, "phong1")]),
    "phong2.chuyenvien": ("phong2", "Chuyên viên Phòng", [(Role.CV_PHONG, "phong2")]),
    "th1.hieutruong": ("th1", "Hiệu trưởng", [(Role.HT, "th1")]),
    "th1.phohieutruong": ("th1", "Phó hiệu trưởng", [(Role.PHT, "th1"), (Role.GV, "th1.to45")]),
    "th1.totruong": ("th1.to1", "Tổ trưởng", [(Role.TTCM, "th1.to1"), (Role.GV, "th1.to1")]),
    "th1.giaovien1": ("th1.to1", "Giáo viên", [(Role.GV, "th1.to1")]),
    "th1.giaovien2": ("th1.to1", "Giáo viên", [(Role.GV, "th1.to1")]),
    "th1.vanthu": ("th1", "Văn thư", [(Role.VT, "th1")]),
    "th1.thuthu": ("th1", "Thủ thư", [(Role.TV, "th1")]),
    "thcs1.hieutruong": ("thcs1", "Hiệu trưởng", [(Role.HT, "thcs1")]),
    "thcs1.giaovien1": ("thcs1.toan", "Giáo viên", [(Role.GV, "thcs1.toan")]),
    "thcs1.vanthu": ("thcs1", "Văn thư", [(Role.VT, "thcs1")]),
    "mn1.giaovien1": ("mn1.mg", "Giáo viên", [(Role.GV, "mn1.mg")]),
    "th2.hieutruong": ("th2", "Hiệu trưởng", [(Role.HT, "th2")]),
    "th2.giaovien1": ("th2.to12", "Giáo viên", [(Role.GV, "th2.to12")]),
}
# Further teachers without a named account in the issue, to make about 40 staff.
EXTRA_TEACHERS = {
    "th1.to23": 4,
    "th1.to45": 4,
    "thcs1.toan": 3,
    "thcs1.van": 4,
    "mn1.mg": 3,
    "th2.to12": 2,
    "th2.to345": 4,
}
STUDENTS_PER_CLASS = 24


def demo_exists() -> bool:
    return Unit.objects.filter(code=DEMO_SO_CODE).exists()


@transaction.atomic
def load_demo(seed: int = 2025, today: dt.date | None = None) -> DemoProvince:
    """The demo province around `today` (default: hoso.org.demo_clock.anchor_date())."""
    rng = random.Random(seed)
    today = today or anchor_date()
    year = _school_year(today)
    units = _units(year)
    users = _accounts(units, year, rng)
    _students(units, year, rng)
    province = DemoProvince(
        year=year, units=units, users=users, rng=rng, today=today, now=anchor_time(today)
    )
    for _, step in sorted(_STEPS, key=lambda item: item[0]):
        step(province)
    return province


def _school_year(today: dt.date) -> SchoolYear:
    dates = school_year_of(today)
    year, _ = SchoolYear.objects.get_or_create(
        name=dates.name,
        defaults={
            "start_date": dates.start_date,
            "end_date": dates.end_date,
            "term1_end": dates.term1_end,
            "is_current": True,
        },
    )
    return year


def _units(year: SchoolYear) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    units["so"] = unit_create(
        actor=None, code=DEMO_SO_CODE, name="Sở GDĐT Tỉnh Demo", kind=UnitKind.SO, parent=None
    )
    for key, name in (
        ("phong1", "Phòng GDĐT Huyện An Phú"),
        ("phong2", "Phòng GDĐT Huyện Bình Minh"),
    ):
        units[key] = unit_create(
            actor=None, code=f"PGD-{key[-1]}", name=name, kind=UnitKind.PHONG, parent=units["so"]
        )
    for key, code, name, level, phong in SCHOOLS:
        school = unit_create(
            actor=None, code=code, name=name, kind=UnitKind.TRUONG, parent=units[phong], level=level
        )
        units[key] = school
        for group_key, group_name in GROUPS[key]:
            units[f"{key}.{group_key}"] = unit_create(
                actor=None,
                code=f"{code}-{group_key.upper()}",
                name=group_name,
                kind=UnitKind.TO,
                parent=school,
            )
        for class_name, grade in CLASSES[key]:
            code_part = class_name.replace(" ", "").upper()
            units[f"{key}.lop.{class_name}"] = unit_create(
                actor=None,
                code=f"{code}-{year.name[:4]}-{code_part}",
                name=f"Lớp {class_name}",
                kind=UnitKind.LOP,
                parent=school,
                school_year=year,
                grade=grade,
            )
    return units


def _accounts(units: dict[str, Unit], year: SchoolYear, rng: random.Random) -> dict[str, Any]:
    password_hash = make_password(settings.DEMO_PASSWORD)
    users: dict[str, Any] = {}
    plan = dict(NAMED_ACCOUNTS)
    for group_key, count in EXTRA_TEACHERS.items():
        school_key = group_key.split(".")[0]
        existing = sum(1 for u in plan if u.startswith(f"{school_key}.giaovien"))
        for number in range(existing + 1, existing + count + 1):
            plan[f"{school_key}.giaovien{number}"] = (
                group_key,
                "Giáo viên",
                [(Role.GV, group_key)],
            )
    for number, (username, (unit_key, position, roles)) in enumerate(plan.items(), start=1):
        users[username] = _demo_person(
            username, units[unit_key], position, roles, units, year, rng, password_hash, number
        )
    return users


def _demo_person(
    username: str,
    unit: Unit,
    position: str,
    roles: list[tuple[str, str]],
    units: dict[str, Unit],
    year: SchoolYear,
    rng: random.Random,
    password_hash: str,
    number: int,
) -> Any:
    gender = rng.choice([Gender.NU, Gender.NU, Gender.NAM])
    full_name = random_name(rng, gender)
    user = get_user_model().objects.create(
        username=username,
        password=password_hash,
        first_name=full_name,
        is_staff=username == "admin",
        is_superuser=username == "admin",
    )
    staff = staff_create(
        actor=None,
        unit=unit,
        code=f"CB{number:05d}",
        full_name=full_name,
        gender=gender,
        birth_date=dt.date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28)),
        position=position,
        email=f"{username}@demo.hoso.edu.vn",
    )
    staff.user = user
    staff.save(update_fields=["user"])
    for role, unit_key in roles:
        role_assign(actor=None, user=user, role=role, unit=units[unit_key], school_year=year)
    return user


def _students(units: dict[str, Unit], year: SchoolYear, rng: random.Random) -> None:
    number = 0
    # Particulars come from a generator of their own: the names, dates and grades of the demo
    # stay what they were before the particulars existed.
    other = random.Random(20250905)
    for key, _, _, _, phong in SCHOOLS:
        register = 0
        for class_name, grade in CLASSES[key]:
            school_class = units[f"{key}.lop.{class_name}"]
            first = year.start_date.year
            # The class began its level (grade 1, or grade 6 at a THCS) this many Septembers ago.
            admitted = year.start_date.replace(year=first - grade + (6 if grade >= 6 else 1))
            birth_year = (
                first - 6 - grade + 1 if grade <= 12 and key != "mn1" else first - grade - 1
            )
            for _ in range(STUDENTS_PER_CLASS):
                number += 1
                register += 1
                gender = rng.choice([Gender.NAM, Gender.NU])
                full_name = random_name(rng, gender)
                birth_date = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
                student = student_create(
                    actor=None,
                    school=units[key],
                    code=f"HS{number:07d}",
                    full_name=full_name,
                    gender=gender,
                    birth_date=birth_date,
                    **_particulars(other, full_name, gender, birth_date, phong, grade, register),
                    admitted_on=admitted,
                )
                enrolment_set(
                    actor=None, student=student, school_class=school_class, school_year=year
                )


COMMUNES = {
    "phong1": ["Xã An Phú", "Xã An Bình", "Thị trấn An Phú", "Xã Phú Hữu"],
    "phong2": ["Xã Bình Minh", "Xã Bình Hòa", "Thị trấn Bình Minh", "Xã Tân Lập"],
}
DISTRICTS = {"phong1": "Huyện An Phú", "phong2": "Huyện Bình Minh"}
JOBS = ["Nông dân", "Công nhân", "Giáo viên", "Kinh doanh", "Lao động tự do", "Viên chức"]
# Mostly Kinh, as in the province's schools; a few of the larger minorities.
ETHNICITIES = [("01", 88), ("02", 4), ("03", 3), ("05", 3), ("04", 2)]


def _particulars(
    rng: random.Random,
    full_name: str,
    gender: str,
    birth_date: dt.date,
    phong: str,
    grade: int,
    register: int,
) -> dict[str, Any]:
    """The particulars of the official books for one demo student (docs/books.md)."""
    district, family = DISTRICTS[phong], full_name.split()[0]
    place = f"{rng.choice(COMMUNES[phong])}, {district}, Tỉnh Demo"
    century = 2 if birth_date.year >= 2000 else 0
    sex = century + (1 if gender == Gender.NU else 0)
    father = f"{family} {random_name(rng, Gender.NAM).split(' ', 1)[1]}"
    return {
        "personal_id": f"087{sex}{birth_date.year % 100:02d}{rng.randrange(10**6):06d}",
        "ethnicity": rng.choices([c for c, _ in ETHNICITIES], [w for _, w in ETHNICITIES])[0],
        "birth_place": place,
        "hometown": place if rng.random() < 0.7 else f"{rng.choice(COMMUNES[phong])}, {district}",
        "address": f"Thôn {rng.randint(1, 9)}, {place}",
        "father_name": father,
        "father_job": rng.choice(JOBS),
        "mother_name": random_name(rng, Gender.NU),
        "mother_job": rng.choice(JOBS),
        "register_number": str(register),
    }
