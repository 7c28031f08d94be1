"""POST /api/v1/due-items/{id}/extend/: a school leader gives one person a later deadline,
with a reason; same service as the page, audited, Vietnamese refusals, 404 elsewhere."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.records.models import DueItem
from hoso.records.periods import VN
from tests.factories import World, api_login, due_items, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """The school with its due items of the year; another Phòng's school and specialist."""
    world = province_world("ext")
    due_items(world)
    return world


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _item(world: World) -> DueItem:
    return DueItem.objects.get(
        owner=world.people["giaovien2"], record_type__code="TT28.KHBD", period_key="W20"
    )


def _url(item: DueItem) -> str:
    return f"/api/v1/due-items/{item.pk}/extend/"


def test_the_principal_extends_one_deadline_and_it_is_audited(world: World) -> None:
    item = _item(world)
    response = api_for(world, "hieutruong").post(
        _url(item), {"due_at": "15/01/2026", "reason": "Nghỉ ốm 3 ngày"}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["extension_reason"]) == (item.pk, "Nghỉ ốm 3 ngày")
    item.refresh_from_db()
    assert item.effective_due_at == dt.datetime(2026, 1, 15, 17, tzinfo=VN)
    assert item.due_at == dt.datetime(2026, 1, 12, 7, tzinfo=VN)
    entry = AuditEntry.objects.filter(action="records.due.extended").latest("seq")
    assert (entry.object_id, entry.actor) == (str(item.pk), world.people["hieutruong"])
    assert json.loads(entry.data)["reason"] == "Nghỉ ốm 3 ngày"
    others = DueItem.objects.filter(record_type__code="TT28.KHBD", period_key="W20")
    assert others.exclude(pk=item.pk).exclude(effective_due_at=item.due_at).count() == 0


def test_an_iso_time_is_taken_as_given(world: World) -> None:
    item = _item(world)
    response = api_for(world, "phohieutruong").post(
        _url(item), {"due_at": "2026-01-14T09:30:00+07:00", "reason": "Đi tập huấn"}
    )
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.effective_due_at == dt.datetime(2026, 1, 14, 9, 30, tzinfo=VN)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"due_at": "15/01/2026", "reason": "   "}, "reason", ""),
        ({"due_at": "15/01/2026"}, "reason", ""),
        ({"due_at": "01/01/2026", "reason": "Ốm"}, "due_at", "Hạn mới phải sau hạn ban đầu."),
        ({"due_at": "32/13/2026", "reason": "Ốm"}, "", "Ngày không đúng dạng dd/mm/yyyy."),
        ({"due_at": "ngày mai nhé bạn", "reason": "Ốm"}, "due_at", "Hạn mới không đúng dạng"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(
    world: World, payload: dict[str, str], field: str, message: str
) -> None:
    item = _item(world)
    before = AuditEntry.objects.count()

    response = api_for(world, "hieutruong").post(_url(item), payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith(message)
    if field:
        assert field in body["fields"]
    item.refresh_from_db()
    assert (item.effective_due_at, item.extension_reason) == (item.due_at, "")
    assert AuditEntry.objects.count() == before


def test_a_group_leader_who_sees_the_item_may_not_extend_it(world: World) -> None:
    item = _item(world)
    response = api_for(world, "totruong").post(
        _url(item), {"due_at": "15/01/2026", "reason": "Ốm"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Chỉ hiệu trưởng, phó hiệu trưởng của trường được gia hạn."
    item.refresh_from_db()
    assert item.effective_due_at == item.due_at


@pytest.mark.parametrize("who", ["school2.hieutruong", "chuyenvien2", "giaovien"])
def test_other_schools_and_outsiders_get_404(world: World, who: str) -> None:
    item = _item(world)
    response = api_for(world, who).post(
        _url(item), {"due_at": "15/01/2026", "reason": "Ốm"}, format="json"
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.effective_due_at == item.due_at


def test_the_extension_is_in_the_openapi_schema(world: World) -> None:
    schema = api_for(world, "hieutruong").get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/due-items/{id}/extend/"]["post"]
    assert "200" in operation["responses"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "DueItemExtendInRequest"
    )
