"""Small worlds for the record types offices define: two Sở, the first with two Phòng, each
Phòng with a primary school (tests/factories.py builds units and people the product's way)."""

from __future__ import annotations

from typing import Any

from hoso.org.models import Role, UnitKind
from hoso.records.catalogue import load_catalogue
from hoso.records.models import RecordType
from tests.factories import UnitFactory, UserFactory, World, grant, school_world


def catalogue() -> None:
    """The national catalogue (a flushed test database lost the migration's rows)."""
    if not RecordType.objects.filter(code="TT28.KHBD", owner_unit=None).exists():
        load_catalogue(RecordType)


def offices_world() -> tuple[World, World]:
    """World "a": Sở a > Phòng a (school a) and Phòng a2 (school a2), with a Sở specialist
    (people "so") and Phòng a2's specialist ("chuyenvien2"). World "b": another province."""
    catalogue()
    first, second = school_world("a"), school_world("b")
    for world in (first, second):
        person = UserFactory(username=f"{world.units['so'].code}.so")
        grant(person, Role.CV_SO, world.units["so"])
        world.people["so"] = person
    phong2 = UnitFactory(
        code="a-PGD2", name="Phòng GDĐT thứ hai", kind=UnitKind.PHONG, parent=first.units["so"]
    )
    school2 = UnitFactory(
        code="a-TR2", name="Trường thứ hai", kind=UnitKind.TRUONG, parent=phong2, level="TH"
    )
    first.units.update({"phong2": phong2, "school2": school2})
    person = UserFactory(username="a.chuyenvien2")
    grant(person, Role.CV_PHONG, phong2)
    first.people["chuyenvien2"] = person
    return first, second


def fields(**changes: Any) -> dict[str, Any]:
    """A valid new type: a yearly school report of primary schools."""
    return {
        "name": "Báo cáo chuyển đổi số của nhà trường",
        "levels": ["TH"],
        "keeper": "SCHOOL",
        "period": "YEAR",
        "due_rule": "year_end",
        "retention_years": 10,
        "formats": ["pdf"],
        "legal_source": "Kế hoạch của Sở GDĐT",
        "required": True,
        **changes,
    }
