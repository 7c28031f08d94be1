"""The webhooks policy as a matrix: every person of an office_world (every role of a school,
of a Phòng and of the Sở, the administrator, the people of another school and of another
Phòng) × the units that may own endpoints, an endpoint of each and a delivery to each.

Written by hand from docs/webhooks.md ("Who") and the docstring of hoso/webhooks/policies.py,
never computed: at a school its hiệu trưởng (HT) and văn thư (VT), at a Phòng or the Sở its
trưởng phòng (TP) / giám đốc (GD) and văn thư (VT_CQ), the system administrator everywhere;
exactly their own unit (a Phòng does not manage a school's endpoints, a school not another
school's nor its Phòng's). A delivery belongs to its endpoint: an event of the school that
reaches the Phòng's endpoint is the Phòng's to see and replay, not the school's. Only a Sở, a
Phòng or a school owns endpoints: a Tổ or a class is nobody's to manage, the administrator's
included. Where an action has a list scope, `visible` agrees with `can`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from hoso.core.events import RECORD_ISSUED, emit
from hoso.org.models import Unit
from hoso.policy import can, visible
from hoso.policy.tests.matrix import assert_row
from hoso.webhooks import services
from hoso.webhooks.models import Delivery, Endpoint
from hoso.webhooks.tests.factories import webhook_world
from tests.factories import World

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {"webhooks.endpoint.manage", "webhooks.unit.manage", "webhooks.delivery.manage"}

URL = "https://hooks.example.invalid/hoso"
# The units that may own endpoints, in the order of every row below: the Sở, Phòng 1, the
# school (a primary school of Phòng 1), the THCS school of Phòng 1, Phòng 2, the school of
# Phòng 2.
OWNERS = ("so", "phong", "school", "thcs", "phong2", "school2")
# Units that own no endpoint: Tổ 1 and Lớp 1A of the school, its Tổ 4-5, the Tổ of school2.
NOT_OWNERS = ("to", "lop", "to45", "school2.to")

T, F = True, False
NOTHING = (F, F, F, F, F, F)
# person of the office_world → (role, where) in a comment; the row is the same for the unit,
# for its endpoint and for a delivery to that endpoint (each is "the unit's webhooks").
EXPECTED = {
    # the school (Phòng 1)
    "hieutruong": (F, F, T, F, F, F),  # HT
    "vanthu": (F, F, T, F, F, F),  # VT
    "phohieutruong": NOTHING,  # PHT
    "totruong": NOTHING,  # TTCM (and GV of Tổ 1)
    "giaovien": NOTHING,  # GV, Tổ 1
    "giaovien2": NOTHING,  # GV, Tổ 1
    "giaovien45": NOTHING,  # GV, Tổ 4-5
    "thuthu": NOTHING,  # TV
    # another school of the same Phòng, and the school of another Phòng
    "thcs.hieutruong": (F, F, F, T, F, F),  # HT of the THCS school
    "school2.hieutruong": (F, F, F, F, F, T),  # HT of school2
    "school2.giaovien": NOTHING,  # GV of school2
    # Phòng 1
    "truongphong": (F, T, F, F, F, F),  # TP
    "phong.vanthu": (F, T, F, F, F, F),  # VT_CQ
    "photruongphong": NOTHING,  # PTP: not in the table of docs/webhooks.md
    "chuyenvien": NOTHING,  # CV_PHONG
    # Phòng 2
    "truongphong2": (F, F, F, F, T, F),  # TP
    "chuyenvien2": NOTHING,  # CV_PHONG
    # the Sở
    "giamdoc": (T, F, F, F, F, F),  # GD
    "so.vanthu": (T, F, F, F, F, F),  # VT_CQ
    "phogiamdoc": NOTHING,  # PGD: not in the table of docs/webhooks.md
    "so": NOTHING,  # CV_SO
    # the system administrator (QTHT at the Sở, superuser)
    "admin": (T, T, T, T, T, T),
}


def _endpoints(world: World) -> list[Endpoint]:
    """One endpoint of each owner, listening to issued records, added by the administrator."""
    return [
        services.endpoint_create(
            actor=world.people["admin"],
            unit=world.units[key],
            name=f"Điểm nhận {key}",
            url=URL,
            events=["record.issued"],
        )[0]
        for key in OWNERS
    ]


def _deliveries(world: World, endpoints: list[Endpoint]) -> list[Delivery]:
    """A delivery to each endpoint, in the order of OWNERS: a record issued by the school
    reaches the school's, Phòng 1's and the Sở's endpoints; one issued by school2 reaches
    school2's and Phòng 2's (and the Sở's again); the THCS school's gets a test event. Nothing
    is sent: the tests' transaction never commits."""
    for key in ("school", "school2"):
        emit(RECORD_ISSUED, unit_id=world.units[key].pk, data={"record": 1})
    by_endpoint: dict[int, Delivery] = {}
    for delivery in Delivery.objects.select_related("endpoint__unit", "event__unit"):
        by_endpoint.setdefault(delivery.endpoint_id, delivery)
    so, phong, school, thcs, phong2, school2 = endpoints
    ping = services.endpoint_send_test(actor=world.people["admin"], endpoint=thcs)
    found = [by_endpoint.get(e.pk) for e in (so, phong, school)] + [ping]
    found += [by_endpoint.get(e.pk) for e in (phong2, school2)]
    assert all(found), "a delivery to every endpoint"
    # The school's event on Phòng 1's endpoint: the case "of the school, not the school's".
    assert found[1].event.unit == world.units["school"]
    return [Delivery.objects.select_related("endpoint__unit").get(pk=d.pk) for d in found]


@pytest.fixture
def world() -> Any:
    world = webhook_world("wm")
    world.endpoints = _endpoints(world)
    world.deliveries = _deliveries(world, world.endpoints)
    return world


def test_every_person_of_the_world_has_a_row(world: Any) -> None:
    assert set(EXPECTED) == set(world.people)
    roles = {a.role for p in world.people.values() for a in p.role_assignments.all()}
    assert roles == {
        "GV",
        "TTCM",
        "PHT",
        "HT",
        "VT",
        "TV",
        "CV_PHONG",
        "CV_SO",
        "TP",
        "PTP",
        "GD",
        "PGD",
        "VT_CQ",
        "QTHT",
    }


@pytest.mark.parametrize("who", list(EXPECTED))
def test_units(world: Any, who: str) -> None:
    person = world.people[who]
    units = [world.units[key] for key in OWNERS]
    assert_row(person, "webhooks.unit.manage", units, EXPECTED[who], Unit)
    others = [world.units[key] for key in NOT_OWNERS]
    assert_row(person, "webhooks.unit.manage", others, (F, F, F, F), Unit)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_endpoints(world: Any, who: str) -> None:
    person = world.people[who]
    assert_row(person, "webhooks.endpoint.manage", world.endpoints, EXPECTED[who], Endpoint)
    # The rule also answers for the unit itself (endpoint_create asks it of the unit).
    units = [world.units[key] for key in OWNERS]
    assert_row(person, "webhooks.endpoint.manage", units, EXPECTED[who])
    others = [world.units[key] for key in NOT_OWNERS]
    assert_row(person, "webhooks.endpoint.manage", others, (F, F, F, F))


@pytest.mark.parametrize("who", list(EXPECTED))
def test_deliveries(world: Any, who: str) -> None:
    person = world.people[who]
    assert_row(person, "webhooks.delivery.manage", world.deliveries, EXPECTED[who], Delivery)


def test_anonymous_and_inactive_people_manage_nothing(world: Any) -> None:
    principal = world.people["hieutruong"]
    principal.is_active = False
    for user in (AnonymousUser(), principal):
        for action, objects, model in (
            ("webhooks.unit.manage", [world.units[key] for key in OWNERS], Unit),
            ("webhooks.endpoint.manage", world.endpoints, Endpoint),
            ("webhooks.delivery.manage", world.deliveries, Delivery),
        ):
            assert not any(can(user, action, obj) for obj in objects)
            assert not visible(user, action, model.objects.all()).exists()
