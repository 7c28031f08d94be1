"""Demo-like accounts for worlds built with tests/factories.py (whose login and api_login sign
a test client in as one of their people), and the demo's named accounts in a small province.

    demo_accounts(world.people.values())   # demo accounts, as hoso.accounts.demo makes them
    accounts_world().people["th1.hieutruong"]   # acc.th1.hieutruong: a demo role, own province
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from hoso.accounts.models import AccountProfile
from hoso.org.models import Role, UnitKind
from tests.factories import SchoolYearFactory, StaffFactory, UnitFactory, UserFactory, World, grant


class AccountProfileFactory(DjangoModelFactory[AccountProfile]):
    """The profile of an account: a demo account unless told otherwise, named as its user."""

    class Meta:
        model = AccountProfile
        django_get_or_create = ("user",)

    is_demo = True
    full_name = factory.LazyAttribute(lambda o: o.user.get_full_name())


def demo_accounts(users: Iterable[Any]) -> None:
    """`users` become demo accounts as the demo province's people are (hoso.accounts.demo):
    a profile marked `is_demo` and the public demo password (which signs in only in demo
    mode, where a demo account is not asked for two factors)."""
    for user in users:
        AccountProfileFactory(user=user)
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])


# The demo's named accounts these tests sign in as, with the demo's roles: demo username →
# (role, unit of the small province below). Their usernames here are "acc." + the demo's, so
# that they never meet the demo's own people when a worker has loaded the demo too.
NAMED = {
    "admin": (Role.QTHT, "so"),
    "so.chuyenvien": (Role.CV_SO, "so"),
    "phong1.chuyenvien": (Role.CV_PHONG, "phong"),
    "th1.hieutruong": (Role.HT, "school"),
    "th1.phohieutruong": (Role.PHT, "school"),
    "th1.vanthu": (Role.VT, "school"),
    "th1.totruong": (Role.TTCM, "to"),
    "th1.giaovien1": (Role.GV, "to"),
    "th1.giaovien2": (Role.GV, "to"),
    "th1.giaovien3": (Role.GV, "to"),
}


def accounts_world() -> World:
    """Sở > Phòng > Trường Tiểu học Nguyễn Du > Tổ khối 1, with the people of NAMED (keyed by
    the demo's username) as demo accounts with a staff row at their unit (the Tổ trưởng also
    teaches in the Tổ; admin is a superuser), as the demo makes them."""
    year = SchoolYearFactory()
    so = UnitFactory(code="acc-SO", name="Sở GDĐT thử", kind=UnitKind.SO)
    phong = UnitFactory(code="acc-PGD", name="Phòng GDĐT thử", kind=UnitKind.PHONG, parent=so)
    school = UnitFactory(
        code="acc-TR",
        name="Trường Tiểu học Nguyễn Du",
        kind=UnitKind.TRUONG,
        parent=phong,
        level="TH",
    )
    to = UnitFactory(code="acc-TO1", name="Tổ khối 1", kind=UnitKind.TO, parent=school)
    world = World(year, {"so": so, "phong": phong, "school": school, "to": to})
    for username, (role, where) in NAMED.items():
        admin = username == "admin"
        person = UserFactory(username=f"acc.{username}", is_staff=admin, is_superuser=admin)
        grant(person, role, world.units[where])
        world.people[username] = person
    grant(world.people["th1.totruong"], Role.GV, to)
    for username, person in world.people.items():
        world.posts[username] = NAMED[username][1]
        StaffFactory(unit=world.units[world.posts[username]], user=person)
    demo_accounts(world.people.values())
    return world
