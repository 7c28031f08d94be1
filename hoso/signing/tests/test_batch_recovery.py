"""Signing after a crash: server-kept PKCS#12 keys are referenced relative to the PKI directory
(a restore elsewhere keeps signing); a batch whose worker died is resumed by the recovery sweep,
never signs a document twice, and ends cleanly failed ("hãy ký lại") without its passphrase."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.apps import apps
from django.utils import timezone

from hoso.ops.recovery import jobs_recover
from hoso.records.models import RecordVersion
from hoso.records.services.signing import version_sign
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import (
    BatchStatus,
    Certificate,
    ItemStatus,
    SignatureRecord,
    SignBatch,
)
from hoso.signing.services import batches
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from tests.factories import World, api_login, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("br")


def _approved(world: World, n: int) -> list[Any]:
    """n ≤ 2 records (one per teacher of Tổ 1: the test type has one period)."""
    reviewer = world.people["totruong"]
    return [
        approved_record(world.people[key], reviewer, CHAIN_REVIEW_SIGN_SEAL)
        for key in ("giaovien", "giaovien2")[:n]
    ]


def _batch(world: World, records: list[Any]) -> SignBatch:
    """A batch as batch_start leaves it, its task lost (the test transaction never commits, so
    the on_commit task never runs: like a worker that died before taking it)."""
    return batches.batch_start(
        actor=world.people["hieutruong"], record_ids=[r.pk for r in records], passphrase=PASS
    )


def _age(batch: SignBatch, minutes: float, **fields: Any) -> None:
    past = timezone.now() - dt.timedelta(minutes=minutes)
    SignBatch.objects.filter(pk=batch.pk).update(created_at=past, heartbeat_at=past, **fields)


def _signatures(record: Any) -> int:
    return SignatureRecord.objects.filter(version__record=record).count()


# --- key paths ------------------------------------------------------------------------------------


def test_uploaded_pkcs12_is_kept_under_the_pki_directory_by_relative_path(world: World) -> None:
    # Given the principal's new PKCS#12 from the CA
    ca = load_ca(conf.pki_dir())
    issued = pki.issue_person_cert(ca, "Nguyễn Văn Thêm")
    p12 = pki.export_pkcs12(issued, ca, "mk-moi")
    # When it is registered for server-side signing
    response = api_login(world.people["hieutruong"]).post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(p12), "passphrase": "mk-moi", "backend": "pkcs12"},
        format="multipart",
    )
    # Then the key file lives under DATA_DIR/pki with a relative reference, owner-only
    assert response.status_code == 201, response.json()
    cert = Certificate.objects.get(pk=response.json()["id"])
    relative = Path(cert.key_ref["path"])
    assert not relative.is_absolute() and relative.parts[0] == "keys"
    stored = conf.pki_dir() / relative
    assert stored.read_bytes() == p12 and stored.stat().st_mode & 0o077 == 0
    # And it signs
    record = _approved(world, 1)[0]
    version_sign(
        actor=world.people["hieutruong"],
        record_id=record.pk,
        certificate_id=cert.pk,
        passphrase="mk-moi",
    )
    signed = read_blob(RecordVersion.objects.get(record=record).signed_sha256)
    assert pdfsig_all_intact(signed, 1)


def test_server_key_without_its_pkcs12_is_refused_and_nothing_stored(world: World) -> None:
    ca = load_ca(conf.pki_dir())
    pem = pki.issue_person_cert(ca, "Đỗ Văn Đức").cert.public_bytes(Encoding.PEM)
    before = Certificate.objects.count()
    response = api_login(world.people["hieutruong"]).post(
        "/api/v1/signing/certificates/",
        {"pem": pem.decode(), "backend": "pkcs12"},
        format="json",
    )
    assert response.status_code == 400
    assert "tải lên tệp .p12/.pfx kèm mật khẩu" in response.json()["message"]
    assert Certificate.objects.count() == before


def test_migration_makes_absolute_key_paths_under_the_pki_directory_relative(world: World) -> None:
    import importlib

    migration = importlib.import_module(
        "hoso.signing.migrations.0002_batch_recovery_relative_key_paths"
    )
    inside = Certificate.objects.filter(owner=world.people["hieutruong"]).get()
    outside = Certificate.objects.filter(owner=world.people["vanthu"]).get()
    original = inside.key_ref["path"]
    Certificate.objects.filter(pk=inside.pk).update(
        key_ref={"path": str(conf.pki_dir() / original)}
    )
    Certificate.objects.filter(pk=outside.pk).update(key_ref={"path": "/srv/khoa/vanthu.p12"})

    migration.relative_key_paths(apps, None)

    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.key_ref == {"path": original}
    assert outside.key_ref == {"path": "/srv/khoa/vanthu.p12"}


# --- batches after a crash ------------------------------------------------------------------------


def test_recovery_resumes_a_batch_whose_worker_died(world: World) -> None:
    # Given a batch whose worker died after signing nothing, silent for 20 minutes
    records = _approved(world, 2)
    batch = _batch(world, records)
    _age(batch, 20, status=BatchStatus.RUNNING)
    # When the periodic sweep runs
    requeued = jobs_recover(older_than_minutes=10)
    # Then the batch is resumed with its (still encrypted) passphrase and ends done
    assert requeued["signing.batch.run"] == 1
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.secret) == (BatchStatus.DONE, 2, 0, "")
    for record in records:
        assert _signatures(record) == 1
        assert pdfsig_all_intact(
            read_blob(RecordVersion.objects.get(record=record).signed_sha256), 1
        )
    assert all(item.signature_id for item in batch.items.all())


def test_a_document_the_batch_already_signed_is_not_signed_again(world: World) -> None:
    # Given a crash after the first document's signature was committed but not its item
    records = _approved(world, 2)
    batch = _batch(world, records)
    first = version_sign(
        actor=world.people["hieutruong"],
        record_id=records[0].pk,
        certificate_id=batch.certificate_id,
        passphrase=PASS,
    )
    signed_once = RecordVersion.objects.get(record=records[0]).signed_sha256
    # When the batch runs again
    batches.batch_run(batch_id=batch.pk)
    # Then the first document keeps its one signature, the second is signed
    batch.refresh_from_db()
    items = list(batch.items.order_by("id"))
    assert [i.status for i in items] == [ItemStatus.DONE, ItemStatus.DONE]
    assert items[0].signature_id == first.pk
    assert _signatures(records[0]) == 1 and _signatures(records[1]) == 1
    assert RecordVersion.objects.get(record=records[0]).signed_sha256 == signed_once
    assert (batch.done, batch.failed) == (2, 0)


def test_an_interrupted_batch_without_its_passphrase_ends_cleanly_failed(world: World) -> None:
    # Given a batch interrupted long ago: its passphrase may no longer be used
    records = _approved(world, 2)
    batch = _batch(world, records)
    unsigned = [RecordVersion.objects.get(record=r).signed_sha256 for r in records]
    _age(batch, 24 * 60, status=BatchStatus.RUNNING)
    # When the sweep picks it up
    jobs_recover(older_than_minutes=10)
    # Then every remaining item failed with "sign again", no document changed, secret wiped
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.secret) == (BatchStatus.DONE, 0, 2, "")
    for item in batch.items.all():
        assert item.status == ItemStatus.FAILED
        assert item.message.startswith("Bị gián đoạn") and "hãy ký lại" in item.message
    assert [_signatures(r) for r in records] == [0, 0]
    assert [RecordVersion.objects.get(record=r).signed_sha256 for r in records] == unsigned


def test_a_live_batch_is_left_alone_and_a_finished_one_is_not_rerun(world: World) -> None:
    records = _approved(world, 1)
    live = _batch(world, records)
    SignBatch.objects.filter(pk=live.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert batches.batches_stuck(10) == []
    batches.batch_run(batch_id=live.pk)
    live.refresh_from_db()
    again = batches.batch_run(batch_id=live.pk)
    assert again is not None and (again.done, again.failed) == (1, 0)
    assert _signatures(records[0]) == 1
