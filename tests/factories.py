"""Small worlds for tests marked `own_world`: units, people and roles made through the org
services (so paths, schools and audit entries are what the product makes), nothing else.

    world = school_world()            # Sở > Phòng > a primary school > Tổ 1 > Lớp 1A
    world.people["giaovien"]          # a teacher of Tổ 1; also hieutruong, totruong, vanthu…
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from hoso.org.models import Role, SchoolYear, Unit, UnitKind
from hoso.org.services import role_assign, unit_create

PASSWORD = "hoso-test-2025"


class SchoolYearFactory(DjangoModelFactory[SchoolYear]):
    """The current school year 2025-2026 (one per database: got when it exists)."""

    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2025-2026"
    start_date = dt.date(2025, 9, 5)
    end_date = dt.date(2026, 5, 31)
    term1_end = dt.date(2026, 1, 17)
    is_current = True


class UserFactory(DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoi{n}")
    first_name = "Lan"
    last_name = factory.Sequence(lambda n: f"Nguyễn Thị {n}")
    password = factory.django.Password(PASSWORD)


class UnitFactory(DjangoModelFactory[Unit]):
    """A unit made by org.services.unit_create (path and school set as in the product)."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = UnitKind.SO
    parent = None
    level = ""

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(actor=None, **kwargs)


def grant(user: Any, role: str, unit: Unit) -> Any:
    """`user` holds `role` at `unit` in the current year."""
    return role_assign(actor=None, user=user, role=role, unit=unit, school_year=SchoolYearFactory())


@dataclass
class World:
    year: SchoolYear
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)


SCHOOL_PEOPLE = {
    "hieutruong": (Role.HT, "school"),
    "phohieutruong": (Role.PHT, "school"),
    "totruong": (Role.TTCM, "to"),
    "giaovien": (Role.GV, "to"),
    "giaovien2": (Role.GV, "to"),
    "vanthu": (Role.VT, "school"),
    "chuyenvien": (Role.CV_PHONG, "phong"),
}


def school_world(prefix: str = "w", level: str = "TH") -> World:
    """Sở > Phòng > one school (`level`) > Tổ 1 > Lớp 1A, with one person per role in
    SCHOOL_PEOPLE (usernames `<prefix>.<key>`); the Tổ trưởng also teaches in the Tổ."""
    year = SchoolYearFactory()
    so = UnitFactory(code=f"{prefix}-SO", name="Sở GDĐT thử", kind=UnitKind.SO)
    phong = UnitFactory(code=f"{prefix}-PGD", name="Phòng GDĐT thử", kind=UnitKind.PHONG, parent=so)
    school = UnitFactory(
        code=f"{prefix}-TR", name="Trường thử", kind=UnitKind.TRUONG, parent=phong, level=level
    )
    to = UnitFactory(code=f"{prefix}-TO1", name="Tổ 1", kind=UnitKind.TO, parent=school)
    lop = UnitFactory(code=f"{prefix}-1A", name="Lớp 1A", kind=UnitKind.LOP, parent=school)
    world = World(year, {"so": so, "phong": phong, "school": school, "to": to, "lop": lop})
    for key, (role, where) in SCHOOL_PEOPLE.items():
        person = UserFactory(username=f"{prefix}.{key}")
        grant(person, role, world.units[where])
        world.people[key] = person
    grant(world.people["totruong"], Role.GV, to)
    return world
