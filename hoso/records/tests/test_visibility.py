"""Hidden and missing look the same: guessing URLs finds nothing that is not yours to see."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.records.models import Record
from hoso.records.services import workflow
from hoso.records.tests.helpers import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo_user: Any) -> Record:
    return upload(demo_user("th1.giaovien2"), period="W15", title="Bản nháp riêng").record


@pytest.fixture
def submitted(demo_user: Any) -> Record:
    version = upload(demo_user("th1.giaovien2"), period="W16", title="Đã trình")
    return workflow.record_submit(actor=demo_user("th1.giaovien2"), record_id=version.record_id)


def _urls(record: Record) -> list[str]:
    return [
        f"/ho-so/{record.pk}/",
        f"/ho-so/{record.pk}/phien-ban/1/original/",
        f"/ho-so/{record.pk}/phien-ban/1/pdf/",
    ]


@pytest.mark.parametrize(
    "who", ["th1.giaovien1", "th1.totruong", "th1.hieutruong", "th2.giaovien1", "phong1.chuyenvien"]
)
def test_a_draft_is_its_owners_alone(
    client_for: Any, api_for: Any, draft: Record, who: str
) -> None:
    client = client_for(who)
    for url in _urls(draft):
        assert client.get(url).status_code == 404, url
    api = api_for(who)
    assert api.get(f"/api/v1/records/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/records/{draft.pk}/versions/1/file").status_code == 404
    assert draft.pk not in [r["id"] for r in api.get("/api/v1/records/").json()["results"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("th1.giaovien2", 200),
        ("th1.totruong", 200),
        ("th1.hieutruong", 200),
        ("th1.vanthu", 200),
        ("phong1.chuyenvien", 200),
        ("so.chuyenvien", 200),
        ("th1.giaovien1", 404),
        ("th2.giaovien1", 404),
        ("th2.hieutruong", 404),
        ("phong2.chuyenvien", 404),
        ("thcs1.hieutruong", 404),
    ],
)
def test_who_sees_a_submitted_record(
    client_for: Any, submitted: Record, who: str, status: int
) -> None:
    assert client_for(who).get(f"/ho-so/{submitted.pk}/").status_code == status


def test_missing_and_hidden_give_the_same_answer(client_for: Any, draft: Record) -> None:
    client = client_for("th2.giaovien1")
    hidden = client.get(f"/ho-so/{draft.pk}/")
    missing = client.get("/ho-so/999999/")
    assert hidden.status_code == missing.status_code == 404
    from hoso.policy import NOT_FOUND_MESSAGE

    assert NOT_FOUND_MESSAGE in hidden.content.decode()
    assert NOT_FOUND_MESSAGE in missing.content.decode()


def test_every_view_and_download_is_audited(client_for: Any, submitted: Record) -> None:
    client = client_for("th1.hieutruong")
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
        ("records.version.downloaded", "th1.hieutruong"),
        ("records.version.viewed", "th1.hieutruong"),
    ]


def test_published_records_of_the_school_are_readable_by_its_teachers(client_for: Any) -> None:
    issued = (
        Record.objects.filter(state="issued", school__code="TH1")
        .exclude(owner__username="th1.giaovien1")
        .first()
    )
    assert issued is not None
    assert client_for("th1.giaovien1").get(f"/ho-so/{issued.pk}/").status_code == 200
    assert client_for("th2.giaovien1").get(f"/ho-so/{issued.pk}/").status_code == 404
