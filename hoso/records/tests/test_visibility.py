"""Hidden and missing look the same: guessing URLs finds nothing that is not yours to see."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.records.models import Record
from hoso.records.services import workflow
from hoso.records.tests.helpers import upload
from tests.factories import (
    RecordFactory,
    World,
    api_login,
    login,
    province_world,
    reviewed_type,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """The school (its Tổ 1 with giaovien and giaovien2), a THCS school of the same Phòng, a
    school of another Phòng, the offices above."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return province_world("vis")


@pytest.fixture
def draft(world: World) -> Record:
    return upload(world.people["giaovien2"], period="W15", title="Bản nháp riêng").record


@pytest.fixture
def submitted(world: World) -> Record:
    version = upload(world.people["giaovien2"], period="W16", title="Đã trình")
    return workflow.record_submit(actor=world.people["giaovien2"], record_id=version.record_id)


def _urls(record: Record) -> list[str]:
    return [
        f"/ho-so/{record.pk}/",
        f"/ho-so/{record.pk}/phien-ban/1/original/",
        f"/ho-so/{record.pk}/phien-ban/1/pdf/",
    ]


@pytest.mark.parametrize(
    "who", ["giaovien", "totruong", "hieutruong", "school2.giaovien", "chuyenvien"]
)
def test_a_draft_is_its_owners_alone(world: World, draft: Record, who: str) -> None:
    client = login(world.people[who])
    for url in _urls(draft):
        assert client.get(url).status_code == 404, url
    api = api_login(world.people[who])
    assert api.get(f"/api/v1/records/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/records/{draft.pk}/versions/1/file").status_code == 404
    assert draft.pk not in [r["id"] for r in api.get("/api/v1/records/").json()["results"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("giaovien2", 200),
        ("totruong", 200),
        ("hieutruong", 200),
        ("vanthu", 200),
        ("chuyenvien", 200),
        ("so", 200),
        ("giaovien", 404),
        ("school2.giaovien", 404),
        ("school2.hieutruong", 404),
        ("chuyenvien2", 404),
        ("thcs.hieutruong", 404),
    ],
)
def test_who_sees_a_submitted_record(
    world: World, submitted: Record, who: str, status: int
) -> None:
    assert login(world.people[who]).get(f"/ho-so/{submitted.pk}/").status_code == status


def test_missing_and_hidden_give_the_same_answer(world: World, draft: Record) -> None:
    client = login(world.people["school2.giaovien"])
    hidden = client.get(f"/ho-so/{draft.pk}/")
    missing = client.get("/ho-so/999999/")
    assert hidden.status_code == missing.status_code == 404
    from hoso.policy import NOT_FOUND_MESSAGE

    assert NOT_FOUND_MESSAGE in hidden.content.decode()
    assert NOT_FOUND_MESSAGE in missing.content.decode()


def test_every_view_and_download_is_audited(world: World, submitted: Record) -> None:
    principal = world.people["hieutruong"]
    client = login(principal)
    download = client.get(f"/ho-so/{submitted.pk}/phien-ban/1/original/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    view = client.get(f"/ho-so/{submitted.pk}/phien-ban/1/pdf/?xem=1")
    assert view.status_code == 200
    assert view["Content-Type"] == "application/pdf"
    assert view["Content-Disposition"].startswith("inline")
    version_id = str(submitted.versions.get().pk)
    actions = list(
        AuditEntry.objects.filter(object_id=version_id, action__startswith="records.version.")
        .exclude(action="records.version.uploaded")
        .values_list("action", "actor_name")
    )
    assert actions == [
        ("records.version.downloaded", principal.username),
        ("records.version.viewed", principal.username),
    ]


def test_published_records_of_the_school_are_readable_by_its_teachers(world: World) -> None:
    # Given a colleague's record the tổ trưởng approved: issued
    issued = RecordFactory(
        owner=world.people["giaovien2"],
        record_type=reviewed_type(),
        approved_by=world.people["totruong"],
    )
    assert Record.objects.get(pk=issued.pk).state == "issued"
    assert login(world.people["giaovien"]).get(f"/ho-so/{issued.pk}/").status_code == 200
    assert login(world.people["school2.giaovien"]).get(f"/ho-so/{issued.pk}/").status_code == 404
