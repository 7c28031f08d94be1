"""Access log: views, downloads and exports are audited (who, what, when, from where), and the
owner of a record can see who looked at it.

Needs the demo province: the log is read on the demo's th1 principal and th1.giaovien1's records
with their versions, and th2.giaovien1 is the outsider."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from hoso.audit.models import AuditEntry
from hoso.audit.selectors import who_looked_at
from hoso.audit.services import access_log
from hoso.org.models import Unit

pytestmark = pytest.mark.django_db


def test_access_log_records_who_what_when_and_from_where(demo_user: Any):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.23")
    request.user = demo_user("th1.hieutruong")
    th1 = Unit.objects.get(code="TH1")

    entry = access_log(request, "org.unit.exported", th1, th1.pk, {"format": "xlsx"})

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_name, stored.action, stored.ip) == (
        "th1.hieutruong",
        "org.unit.exported",
        "198.51.100.23",
    )
    assert (stored.object_type, stored.object_id, stored.unit_id) == (
        "org.unit",
        str(th1.pk),
        th1.pk,
    )
    assert stored.payload == {"format": "xlsx"} and stored.created_at is not None


def _record_with_version() -> Any:
    records = pytest.importorskip("hoso.records.models")
    record = (
        records.Record.objects.filter(owner__username="th1.giaovien1", versions__isnull=False)
        .order_by("pk")
        .first()
    )
    if record is None:
        pytest.skip("the demo has no record of th1.giaovien1 with a version")
    return record


def test_the_owner_sees_who_downloaded_their_record(client_for: Any, demo_user: Any):
    record = _record_with_version()
    version = record.versions.order_by("number").first()
    url = f"/ho-so/{record.pk}/phien-ban/{version.number}/original/"
    response = client_for("th1.hieutruong").get(url, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 200

    seen = who_looked_at(
        demo_user("th1.giaovien1"),
        record,
        view_action="records.record.view",
        children=record.versions.all(),
    )

    latest = seen.first()
    assert latest is not None
    assert (latest.actor_name, latest.action, latest.ip) == (
        "th1.hieutruong",
        "records.version.downloaded",
        "203.0.113.50",
    )


def test_someone_who_may_not_see_the_record_learns_nothing(demo_user: Any):
    record = _record_with_version()

    seen = who_looked_at(demo_user("th2.giaovien1"), record, view_action="records.record.view")

    assert list(seen) == []
