"""Signing test clients in as a person of a world built with tests/factories.py, and demo-like
accounts: the conftest fixtures `client_for`, `demo_user` and `api_for` look up the demo
province's usernames, which an `own_world` test does not have.

    login(world.people["giaovien"])        # a test client signed in as them
    api_login(world.people["giaovien"])    # a DRF client carrying an API token of theirs
    demo_accounts(world.people.values())   # demo accounts, as hoso.accounts.demo makes them
    accounts_world().people["th1.hieutruong"]   # acc.th1.hieutruong: a demo role, own province
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from django.conf import settings
from django.test import Client
from factory.django import DjangoModelFactory

from hoso.accounts.models import AccountProfile
from hoso.org.models import Role, UnitKind
from hoso.org.tests.factories import StaffFactory
from tests.factories import SchoolYearFactory, UnitFactory, UserFactory, World, grant


def login(user: Any) -> Client:
    """A test client signed in as `user`. A leader, clerk or office specialist is also asked
    for two factors by the pages unless they are a demo account in demo mode (demo_accounts)
    or the test empties settings.HOSO_2FA_REQUIRED_ROLES: a test account has no TOTP."""
    client = Client()
    client.force_login(user)
    return client


def api_login(user: Any, **defaults: Any) -> Any:
    """A DRF client that carries an API token of `user`, as conftest's api_for does."""
    from rest_framework.test import APIClient

    from hoso.accounts.services import create_token

    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user=user, name='test')[1]}")
    return client


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
        StaffFactory(unit=world.units[NAMED[username][1]], user=person)
    demo_accounts(world.people.values())
    return world
