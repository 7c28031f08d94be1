"""Deleting a record (page and API): who may ask, then the retention period, then the rows that
still refer to it — each refusal a 409 with a Vietnamese message, and nothing deleted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models.signals import pre_delete

from hoso.audit.models import AuditEntry
from hoso.records import guards
from hoso.records.models import Record, RecordEvent, RecordVersion, Workflow
from hoso.records.services import workflow
from hoso.records.tests.helpers import upload
from hoso.retention import guard as retention_guard
from tests.factories import World, api_login, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

KEPT = "chưa hết thời hạn lưu trữ (phải lưu đến hết ngày 31/05/2031"
REFERRED_DRAFT = "Không thể xóa hồ sơ: hồ sơ đang được tham chiếu bởi phiên bản hồ sơ (1)."
REFERRED_SUBMITTED = (
    "Không thể xóa hồ sơ: hồ sơ đang được tham chiếu bởi phiên bản hồ sơ (1), lượt trình duyệt (1)."
)


@pytest.fixture
def world(settings: Any) -> World:
    """The school's teacher giaovien2 (the author), its tổ trưởng and principal, and the
    principal of another Phòng's school."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    return province_world("del")


@pytest.fixture
def retention_agrees(monkeypatch: Any) -> None:
    """As if the record's retention period allowed deleting it: only the rows referring to it
    can still refuse."""
    monkeypatch.setitem(guards._GUARDS, "retention", lambda record: None)


@pytest.fixture
def no_delete_signals() -> Iterator[None]:
    """Without the retention app's last line of defence (its pre_delete refusals)."""
    pre_delete.disconnect(sender=Record, dispatch_uid="retention_record")
    pre_delete.disconnect(sender=RecordVersion, dispatch_uid="retention_ver")
    try:
        yield
    finally:
        retention_guard.connect()


def _draft(world: World, period: str = "W05") -> Record:
    version = upload(world.people["giaovien2"], period=period)
    return Record.objects.get(pk=version.record_id)


def _state(record: Record) -> tuple[bool, int, int, int]:
    return (
        Record.objects.filter(pk=record.pk).exists(),
        RecordVersion.objects.filter(record=record).count(),
        RecordEvent.objects.filter(record=record).count(),
        AuditEntry.objects.filter(action="records.record.deleted").count(),
    )


def test_the_retention_refusal_comes_first_even_when_versions_refer_to_the_record(
    world: World,
) -> None:
    record = _draft(world)
    api, client = api_login(world.people["giaovien2"]), login(world.people["giaovien2"])
    before = _state(record)
    assert before == (True, 1, 1, 0)

    by_api = api.delete(f"/api/v1/records/{record.pk}/")
    by_page = client.post(f"/ho-so/{record.pk}/xoa/")

    message = f"Không được xóa hồ sơ “{record.title}”: {KEPT} theo Thông tư 08/2025/TT-BGDĐT)."
    assert (by_api.status_code, by_api.json()) == (
        409,
        {"code": "conflict", "message": message, "fields": {}},
    )
    assert by_page.status_code == 409
    assert message in by_page.content.decode()
    assert "Xóa hồ sơ</button>" not in by_page.content.decode()  # no button to a sure refusal
    assert _state(record) == before


def test_rows_referring_to_a_record_refuse_its_deletion_with_a_409_through_the_api(
    world: World, retention_agrees: None
) -> None:
    record = _draft(world)
    api = api_login(world.people["giaovien2"])
    before = _state(record)

    response = api.delete(f"/api/v1/records/{record.pk}/")

    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": REFERRED_DRAFT, "fields": {}}
    assert _state(record) == before
    # The transaction is still usable after the refusal: the same person uploads again.
    assert upload(world.people["giaovien2"], period="W05").number == 2


def test_rows_referring_to_a_record_refuse_its_deletion_with_a_409_on_the_page(
    world: World, retention_agrees: None
) -> None:
    # Given a record the principal sees, submitted (a workflow refers to it too)
    record = _draft(world)
    workflow.record_submit(actor=world.people["giaovien2"], record_id=record.pk)
    client = login(world.people["hieutruong"])
    assert "Xóa hồ sơ</button>" in client.get(f"/ho-so/{record.pk}/").content.decode()
    before = _state(record)

    response = client.post(f"/ho-so/{record.pk}/xoa/")

    assert response.status_code == 409
    assert REFERRED_SUBMITTED in response.content.decode()
    assert _state(record) == before
    assert Workflow.objects.filter(record=record, is_open=True).count() == 1


def test_who_may_not_delete_is_refused_before_anything_else(
    world: World, retention_agrees: None
) -> None:
    record = _draft(world)
    workflow.record_submit(actor=world.people["giaovien2"], record_id=record.pk)
    leader = api_login(world.people["totruong"])  # sees the group's submitted record
    stranger = login(world.people["school2.hieutruong"])
    before = _state(record)

    refused = leader.delete(f"/api/v1/records/{record.pk}/")
    hidden = stranger.post(f"/ho-so/{record.pk}/xoa/")

    own = api_login(world.people["giaovien2"]).delete(f"/api/v1/records/{record.pk}/")

    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "Chỉ người lập hồ sơ (khi chưa trình duyệt), hiệu trưởng hoặc văn thư của trường được xóa"
        " hồ sơ.",
    )
    assert (own.status_code, own.json()["message"]) == (
        403,
        "Hồ sơ đã trình duyệt nên người lập không tự xóa được; chỉ hiệu trưởng hoặc văn thư của"
        " trường được xóa.",
    )
    assert hidden.status_code == 404
    assert _state(record) == before


def test_a_record_nothing_refers_to_is_deleted_when_no_rule_refuses(
    world: World, retention_agrees: None, no_delete_signals: None
) -> None:
    owner, like = world.people["giaovien2"], _draft(world)
    record = Record.objects.create(
        record_type=like.record_type,
        unit=like.unit,
        school=like.school,
        school_year=like.school_year,
        owner=owner,
        title="Hồ sơ chưa có tệp",
        period_key="W09",
    )

    pk = record.pk

    response = login(owner).post(f"/ho-so/{pk}/xoa/")

    assert (response.status_code, response["Location"]) == (302, "/ho-so/")
    assert not Record.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="records.record.deleted")
    assert (entry.actor, entry.object_id, entry.unit_id) == (owner, str(pk), record.school_id)
