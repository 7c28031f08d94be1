"""Proposal → the principal approves with their certificate → biên bản signed and issued,
files gone (shared ones kept), stub visible; refusals, wrong passphrase, other schools.

Needs the demo province: the demo's expired records of past years and its pending proposal
(hoso.retention.demo), approved with the principal's certificate of the demo PKI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, NotAllowed
from hoso.ops.scrub import scrub_run
from hoso.org.years import current_year
from hoso.records.models import Notification, Record, RecordState, RecordVersion
from hoso.retention import services
from hoso.retention.demo import old_record, old_year
from hoso.retention.guard import DeletionRefused
from hoso.retention.minutes import MINUTES_TYPE
from hoso.retention.models import (
    DestroyedRecord,
    DestructionProposal,
    PendingBlob,
    ProposalState,
)
from hoso.retention.sweep import sweep
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.storage import blob_store

PASS = "hoso-demo-2025"
pytestmark = pytest.mark.django_db


def _pending(code: str = "TH1") -> DestructionProposal:
    return DestructionProposal.objects.get(school__code=code, state=ProposalState.PENDING)


def _hashes(proposal: DestructionProposal) -> list[str]:
    versions = RecordVersion.objects.filter(record__in=proposal.items.values("record_id"))
    return sorted(set(versions.values_list("original_sha256", flat=True)))


def _approve(client: Any, proposal: DestructionProposal, secret: str = PASS) -> Any:
    return client.post(f"/luu-tru/{proposal.pk}/duyet/", {"passphrase": secret})


def test_demo_proposal_lists_expired_records_and_tells_the_principal(demo_user: Any) -> None:
    proposal = _pending()
    assert proposal.items.count() == 3
    assert {i.retention_years for i in proposal.items.all()} == {5}
    assert Notification.objects.filter(
        user=demo_user("th1.hieutruong"), url=f"/luu-tru/{proposal.pk}/"
    ).exists()
    # Records already proposed are not proposed again; current records never are.
    assert services.proposal_create(school=proposal.school) is None


def test_monthly_command_proposes_new_expired_records_only(demo_user: Any) -> None:
    school = _pending().school
    record = old_record(
        school=school,
        unit=school,
        owner=demo_user("th1.giaovien2"),
        week=10,
        year=old_year(),
    )
    call_command("retention", "propose")
    newest = DestructionProposal.objects.filter(school=school).order_by("-pk").first()
    assert newest is not None and list(newest.items.values_list("record_id", flat=True)) == [
        record.pk
    ]


def test_approve_signs_minutes_removes_files_keeps_shared_and_stub(
    client_for: Any, demo_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the demo proposal, one of whose files is also used by a live record this year
    proposal = _pending()
    hashes = _hashes(proposal)
    shared = hashes[0]
    teacher = demo_user("th1.giaovien1")
    live = Record.objects.create(
        record_type_id=proposal.items.first().record.record_type_id,
        unit=proposal.school,
        school=proposal.school,
        school_year=current_year(),
        owner=teacher,
        title="Bản dùng lại",
        period_key="W40",
    )
    source = RecordVersion.objects.get(original_sha256=shared)
    RecordVersion.objects.create(
        record=live,
        number=1,
        original_sha256=shared,
        size=source.size,
        filename="dung-lai.pdf",
        kind="pdf",
        uploaded_by=teacher,
        uploaded_at=source.uploaded_at,
    )
    record_ids = list(proposal.items.values_list("record_id", flat=True))

    # When the principal approves with their passphrase
    with django_capture_on_commit_callbacks(execute=True):
        response = _approve(client_for("th1.hieutruong"), proposal)

    # Then the biên bản is an issued record signed intact, the files are gone but the shared one
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.APPROVED
    minutes = proposal.minutes_record
    assert minutes is not None and minutes.record_type.code == MINUTES_TYPE
    assert minutes.state == RecordState.ISSUED and minutes.record_type.retention_years == 0
    version = minutes.versions.get()
    assert version.issued_at is not None
    assert pdfsig_all_intact(read_blob(version.signed_sha256), expected=1)
    store = blob_store()
    assert store.exists(shared)
    assert [h for h in hashes[1:] if store.exists(h)] == []
    assert PendingBlob.objects.filter(hash=shared, kept=True).exists()
    assert proposal.swept_at is not None
    assert DestroyedRecord.objects.filter(record_id__in=record_ids).count() == 3
    stub = DestroyedRecord.objects.get(record_id=record_ids[0]).stub
    assert stub["files"][0]["sha256"] in hashes and stub["minutes"]["number"]
    # The record's panel shows the stub, and the scrub reports nothing missing.
    page = client_for("th1.hieutruong").get(f"/luu-tru/ho-so/{record_ids[0]}/")
    assert f"Đã tiêu hủy theo biên bản số {proposal.minutes_number}" in page.content.decode()
    assert scrub_run(notify=False).missing == []
    assert AuditEntry.objects.filter(action="retention.proposal.approved").count() == 1


def test_wrong_passphrase_changes_nothing(client_for: Any) -> None:
    proposal = _pending()
    hashes = _hashes(proposal)
    minutes_before = Record.objects.filter(record_type__code=MINUTES_TYPE).count()
    client = client_for("th1.hieutruong")  # signing in writes an audit entry: before counting
    audit_before = AuditEntry.objects.count()

    response = _approve(client, proposal, secret="sai-mat-khau")

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING
    assert not DestroyedRecord.objects.exists() and not PendingBlob.objects.exists()
    assert Record.objects.filter(record_type__code=MINUTES_TYPE).count() == minutes_before
    assert all(blob_store().exists(h) for h in hashes)
    assert AuditEntry.objects.count() == audit_before


def test_refuse_needs_a_reason_then_is_recorded(client_for: Any) -> None:
    proposal = _pending()
    client = client_for("th1.hieutruong")
    client.post(f"/luu-tru/{proposal.pk}/khong-duyet/", {"reason": "  "})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING

    client.post(f"/luu-tru/{proposal.pk}/khong-duyet/", {"reason": "Còn cần cho thanh tra"})

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REFUSED
    assert proposal.refusal_reason == "Còn cần cho thanh tra"
    assert all(blob_store().exists(h) for h in _hashes(proposal))


@pytest.mark.parametrize("username", ["th2.hieutruong", "thcs1.hieutruong", "th1.giaovien1"])
def test_other_schools_principal_and_teachers_get_404(client_for: Any, username: str) -> None:
    proposal = _pending()
    client = client_for(username)
    assert client.get(f"/luu-tru/{proposal.pk}/").status_code == 404
    assert _approve(client, proposal).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING


def test_vice_principal_sees_but_cannot_approve(client_for: Any, demo_user: Any) -> None:
    proposal = _pending()
    client = client_for("th1.phohieutruong")
    assert client.get(f"/luu-tru/{proposal.pk}/").status_code == 200
    _approve(client, proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING
    with pytest.raises(NotAllowed):
        services.proposal_refuse(
            actor=demo_user("phong1.chuyenvien"), proposal_id=proposal.pk, reason="x"
        )


def test_execution_rechecks_the_period(demo_user: Any) -> None:
    proposal = _pending()
    record_type = proposal.items.first().record.record_type
    services.retention_period_set(
        actor=demo_user("so.chuyenvien"),
        record_type_id=record_type.pk,
        years=20,
        reason="Quyết định của Sở",
    )
    with pytest.raises(Conflict, match="chưa hết thời hạn lưu trữ"):
        services.proposal_approve(
            actor=demo_user("th1.hieutruong"), proposal_id=proposal.pk, passphrase=PASS
        )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING and not DestroyedRecord.objects.exists()


def test_only_so_or_admin_change_periods(demo_user: Any) -> None:
    record_type = _pending().items.first().record.record_type
    with pytest.raises(NotAllowed):
        services.retention_period_set(
            actor=demo_user("th1.hieutruong"), record_type_id=record_type.pk, years=1, reason="x"
        )
    record_type.refresh_from_db()
    assert record_type.retention_years == 5
    services.retention_period_set(
        actor=demo_user("admin"), record_type_id=record_type.pk, years=7, reason="Điều chỉnh"
    )
    record_type.refresh_from_db()
    assert record_type.retention_years == 7
    entry = AuditEntry.objects.get(action="retention.period.changed")
    data = json.loads(entry.data) if isinstance(entry.data, str) else entry.data
    assert data["old"] == 5 and data["new"] == 7


def test_early_delete_is_refused_everywhere(demo_user: Any, api_for: Any) -> None:
    # Given a record of this year with a version that nothing else points at
    teacher = demo_user("th1.giaovien1")
    proposal = _pending()
    fresh = old_record(
        school=proposal.school,
        unit=proposal.school,
        owner=teacher,
        week=20,
        year=current_year(),
    )
    version = fresh.versions.get()
    # Then the ORM refuses (a Vietnamese message; PROTECT foreign keys refuse first when
    # other rows point at the record), the API's DELETE answers 409 with the retention
    # message (asked before the PROTECT keys), the store needs a destruction.
    with pytest.raises(DeletionRefused, match="chưa hết thời hạn lưu trữ"), transaction.atomic():
        RecordVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises((DeletionRefused, ProtectedError)), transaction.atomic():
        fresh.delete()
    empty = Record.objects.create(
        record_type=fresh.record_type,
        unit=fresh.unit,
        school=fresh.school,
        school_year=fresh.school_year,
        owner=teacher,
        title="Hồ sơ chưa có tệp",
        period_key="W41",
    )
    with pytest.raises(DeletionRefused, match="đến hết ngày"), transaction.atomic():
        empty.delete()
    expired = proposal.items.first().record
    with pytest.raises(DeletionRefused, match="đề nghị tiêu hủy"), transaction.atomic():
        expired.versions.first().delete()
    response = api_for("th1.hieutruong").delete(f"/api/v1/records/{fresh.pk}/")
    assert response.status_code == 409
    assert "chưa hết thời hạn lưu trữ" in response.json()["message"]
    with pytest.raises(ValueError):
        blob_store().delete(version.original_sha256, destruction="")
    assert Record.objects.filter(pk__in=[fresh.pk, empty.pk, expired.pk]).count() == 3
    assert RecordVersion.objects.filter(pk=version.pk).exists()
    assert blob_store().exists(version.original_sha256)


def test_a_crash_before_file_removal_is_finished_by_the_sweep(
    demo_user: Any, monkeypatch: Any
) -> None:
    from hoso.retention import tasks

    monkeypatch.setattr(tasks, "sweep_proposal", lambda proposal_id: None)  # "crashed"
    proposal = _pending()
    hashes = _hashes(proposal)
    services.proposal_approve(
        actor=demo_user("th1.hieutruong"), proposal_id=proposal.pk, passphrase=PASS
    )
    assert all(blob_store().exists(h) for h in hashes)
    assert scrub_run(notify=False).missing == []

    first = sweep()
    second = sweep()

    assert sorted(first.removed) == hashes and second.proposals == 0
    assert not any(blob_store().exists(h) for h in hashes)


def test_api_approve_and_refuse(api_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    proposal = _pending()
    other = _pending("TH2")
    assert (
        api_for("th2.hieutruong").get(f"/api/v1/retention/proposals/{proposal.pk}/").status_code
        == 404
    )
    listed = api_for("th1.hieutruong").get("/api/v1/retention/proposals/").json()
    ids = {row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)}
    assert proposal.pk in ids and other.pk not in ids
    bad = api_for("th1.hieutruong").post(
        f"/api/v1/retention/proposals/{proposal.pk}/approve/", {"passphrase": "sai"}, format="json"
    )
    assert 400 <= bad.status_code < 500 and "message" in bad.json()
    with django_capture_on_commit_callbacks(execute=True):
        ok = api_for("th1.hieutruong").post(
            f"/api/v1/retention/proposals/{proposal.pk}/approve/",
            {"passphrase": PASS},
            format="json",
        )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    refused = api_for("th2.hieutruong").post(
        f"/api/v1/retention/proposals/{other.pk}/refuse/", {"reason": ""}, format="json"
    )
    assert refused.status_code == 400


def test_pages_show_the_proposal_to_the_principal_and_the_periods(client_for: Any) -> None:
    proposal = _pending()
    client = client_for("th1.hieutruong")
    listing = client.get("/luu-tru/").content.decode()
    assert f"Đề nghị số {proposal.pk}" in listing and "Tiêu hủy hồ sơ" in listing
    detail = client.get(f"/luu-tru/{proposal.pk}/").content.decode()
    assert "Kế hoạch bài dạy tuần 1 — năm học 2018-2019" in detail
    assert "31/05/2024" in detail and 'name="passphrase"' in detail
    periods = client_for("so.chuyenvien").get("/luu-tru/thoi-han/").content.decode()
    assert "Kế hoạch bài dạy" in periods and 'name="years"' in periods
    assert 'name="years"' not in client.get("/luu-tru/thoi-han/").content.decode()
    panel = client.get(f"/luu-tru/ho-so/{proposal.items.first().record_id}/").content.decode()
    assert "đến hết ngày 31/05/2024" in panel
