"""The văn thư seals a batch (issue 11, item 6): one passphrase for the school's seal, many
records, each sealed and issued, every signature valid for pdfsig and pyHanko; the progress
page names the documents by title; records of another school or not waiting for the seal are
left out; a wrong passphrase queues nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from hoso.core.errors import DomainError
from hoso.records.models import Record, RecordState, RecordVersion
from hoso.records.services.signing import version_sign
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import BatchStatus, SignatureRecord, SignBatch
from hoso.signing.services import batches
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from hoso.signing.verification import validator
from tests.factories import World, login, school_world, signing_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the clerk's pages without a phone at hand
    return signing_world("sb")


def _waiting_for_seal(world: World) -> list[Record]:
    """Two teachers' records (Tổ 1), reviewed and signed by the principal."""
    reviewer, principal = world.people["totruong"], world.people["hieutruong"]
    records = [
        approved_record(world.people[key], reviewer, CHAIN_REVIEW_SIGN_SEAL)
        for key in ("giaovien", "giaovien2")
    ]
    for record in records:
        version_sign(actor=principal, record_id=record.pk, passphrase=settings.DEMO_PASSWORD)
    return records


def test_the_clerk_seals_a_batch_and_every_record_is_issued(world: World) -> None:
    records = _waiting_for_seal(world)
    batch = batches.batch_start(
        actor=world.people["vanthu"],
        record_ids=[r.pk for r in records],
        passphrase=settings.DEMO_PASSWORD,
        seal=True,
    )
    batches.batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.action, batch.status, batch.done, batch.failed) == ("seal", "done", 2, 0)
    for record in records:
        record.refresh_from_db()
        version = RecordVersion.objects.get(record=record)
        assert record.state == RecordState.ISSUED
        assert [s.action for s in SignatureRecord.objects.filter(version=version)] == [
            "sign",
            "seal",
        ]
        pdf = read_blob(version.signed_sha256)
        assert pdfsig_all_intact(pdf, 2)
        assert validator().validate(pdf).all_valid


def test_a_wrong_seal_passphrase_queues_nothing(world: World) -> None:
    records = _waiting_for_seal(world)
    before = SignBatch.objects.count()
    with pytest.raises(DomainError):
        batches.batch_start(
            actor=world.people["vanthu"],
            record_ids=[r.pk for r in records],
            passphrase="sai",
            seal=True,
        )
    assert SignBatch.objects.count() == before
    assert all(Record.objects.get(pk=r.pk).state == RecordState.APPROVED for r in records)


def test_records_not_waiting_for_this_clerks_seal_are_left_out(world: World) -> None:
    records = _waiting_for_seal(world)
    other = school_world("sb2").people["hieutruong"]
    with pytest.raises(DomainError, match="chờ bạn đóng dấu"):
        batches.batch_start(  # another school's principal: none of these waits for them
            actor=other,
            record_ids=[r.pk for r in records],
            passphrase=settings.DEMO_PASSWORD,
            seal=True,
        )


def test_seal_queue_page_batches_and_the_progress_page_names_documents(world: World) -> None:
    records = _waiting_for_seal(world)
    clerk = login(world.people["vanthu"])
    queue = clerk.get("/ky-so/cho-dong-dau/").content.decode()
    assert "Đóng dấu hàng loạt" in queue and f'value="{records[0].pk}"' in queue
    answer = clerk.post(
        "/ky-so/ky-hang-loat/",
        {
            "action": "seal",
            "records": [str(r.pk) for r in records],
            "passphrase": settings.DEMO_PASSWORD,
        },
    )
    assert answer.status_code == 302
    batch = SignBatch.objects.get(user=world.people["vanthu"], action="seal")
    batches.batch_run(batch_id=batch.pk)  # the queued task (the test never commits)
    page = clerk.get(answer["Location"]).content.decode()
    assert "Đóng dấu hàng loạt" in page and "đã đóng dấu 2/2" in page
    assert page.count("Kế hoạch thử") >= 2  # each document by its title
    assert SignBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
