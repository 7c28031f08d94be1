"""Issue 13 item 6 through the faces: titles and names stored in NFC without bidi overrides;
upload names over the length limit refused the same for every alphabet."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest

from hoso.org.models import Role, Staff
from hoso.org.services import staff_update
from hoso.records.models import Record
from hoso.records.tests.factories import catalogue
from hoso.records.tests.helpers import pdf
from tests.factories import StaffFactory, UserFactory, World, api_login, grant, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(db: Any) -> World:
    catalogue()
    return school_world()


def _file(name: str) -> io.BytesIO:
    stream = io.BytesIO(pdf())
    stream.name = name
    return stream


def _create(api: Any, name: str, title: str) -> Any:
    return api.post(
        "/api/v1/records/",
        {"file": _file(name), "record_type": "TT28.KHBD", "title": title, "period": "W23"},
        format="multipart",
    )


def test_record_title_is_nfc_without_bidi_overrides(world: Any) -> None:
    title = unicodedata.normalize("NFD", "Kế hoạch\u202e tuần\u2066 23")

    created = _create(api_login(world.people["giaovien2"]), "tuan23.pdf", title)

    assert created.status_code == 201, created.json()
    stored = Record.objects.get(pk=created.json()["id"]).title
    assert stored == "Kế hoạch tuần 23"
    assert unicodedata.is_normalized("NFC", stored)


@pytest.mark.parametrize("stem", ["a" * 300, "Kế hoạch giáo dục " * 17])
def test_overlong_upload_names_are_refused_whatever_the_alphabet(world: Any, stem: str) -> None:
    count = Record.objects.count()

    response = _create(api_login(world.people["giaovien2"]), stem + ".pdf", "Tên dài")

    assert response.status_code == 422, response.json()
    assert "Tên tệp quá dài" in response.json()["message"]
    assert Record.objects.count() == count


def test_staff_name_is_nfc_without_bidi_overrides(world: World) -> None:
    StaffFactory(unit=world.units["to"], user=world.people["giaovien"])
    admin = UserFactory(username="w.admin", is_staff=True, is_superuser=True)
    grant(admin, Role.QTHT, world.units["so"])
    staff = Staff.objects.get(user__username="w.giaovien")
    raw = unicodedata.normalize("NFD", "Lê\u202d Thị  Mai")

    staff_update(actor=admin, staff=staff, full_name=raw)

    staff.refresh_from_db()
    assert staff.full_name == "Lê Thị Mai"
