"""Batch signing (one passphrase, per-document outcome, progress) and validation (API, page,
tampering HoSo did not make, detached CAdES for non-PDF files)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from hoso.records.models import RecordState, RecordVersion
from hoso.records.services.signing import version_seal, version_sign
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import BatchStatus, SignatureRecord, SignBatch
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from tests.factories import World, api_login, login, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    return signing_world("bv")


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _approved(world: World, n: int) -> list[Any]:
    """n ≤ 2 records, one per teacher of Tổ 1 (the test type has one period)."""
    return [
        approved_record(world.people[key], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL)
        for key in ("giaovien", "giaovien2")[:n]
    ]


def test_batch_signs_each_record_with_one_passphrase(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    records = _approved(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world, "hieutruong").post(
            "/api/v1/signing/batches/",
            {"records": [r.pk for r in records], "passphrase": PASS},
            format="json",
        )
    assert response.status_code == 202, response.json()
    batch = SignBatch.objects.get(pk=response.json()["id"])
    assert (batch.status, batch.total, batch.done, batch.failed, batch.secret) == (
        BatchStatus.DONE,
        2,
        2,
        0,
        "",
    )
    for record in records:
        version = RecordVersion.objects.get(record=record)
        assert pdfsig_all_intact(read_blob(version.signed_sha256), 1)
    detail = api_for(world, "hieutruong").get(f"/api/v1/signing/batches/{batch.pk}/")
    assert detail.json()["percent"] == 100
    assert api_for(world, "vanthu").get(f"/api/v1/signing/batches/{batch.pk}/").status_code == 404


def test_batch_with_wrong_passphrase_queues_nothing(world: World) -> None:
    records = _approved(world, 1)
    response = api_for(world, "hieutruong").post(
        "/api/v1/signing/batches/", {"records": [records[0].pk], "passphrase": "sai"}, format="json"
    )
    assert response.status_code == 400
    assert not SignBatch.objects.filter(items__record=records[0]).exists()


def test_batch_of_an_id_too_large_for_the_database_is_refused_in_vietnamese(world: World) -> None:
    before = SignBatch.objects.count()
    response = api_for(world, "hieutruong").post(
        "/api/v1/signing/batches/", {"records": [2**70], "passphrase": PASS}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "records" in response.json()["fields"]
    assert SignBatch.objects.count() == before


def test_batch_progress_page_polls_until_done(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    records = _approved(world, 1)
    client = login(world.people["hieutruong"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ky-so/ky-hang-loat/", {"records": [records[0].pk], "passphrase": PASS}
        )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "đã ký 1/1" in page.content.decode()
    assert 'hx-trigger="every 2s"' not in page.content.decode()  # finished: polling stops


def test_batch_progress_names_each_record_by_its_author(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Two teachers' records of one type and period share a title; each line says whose."""
    records = _approved(world, 2)
    assert records[0].title == records[1].title
    client = login(world.people["hieutruong"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ky-so/ky-hang-loat/", {"records": [r.pk for r in records], "passphrase": PASS}
        )
    lines = re.findall(r"<li>([^<]*)</li>", client.get(response["Location"]).content.decode())
    assert lines == [f"{r.title} (người lập: {r.owner.first_name}): Đã ký" for r in records]


def _issued(world: World) -> Any:
    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    version_seal(actor=world.people["vanthu"], record_id=record.pk, passphrase=PASS)
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    return RecordVersion.objects.get(record=record)


def test_validate_api_reports_each_signature(world: World) -> None:
    version = _issued(world)
    pdf = read_blob(version.signed_sha256)
    response = api_for(world, "giaovien2").post(
        "/api/v1/signatures/validate/", {"file": io.BytesIO(pdf)}, format="multipart"
    )
    body = response.json()
    assert response.status_code == 200
    assert body["all_valid"] is True and body["issued_by_hoso"] is True
    assert len(body["signatures"]) == 2
    first = body["signatures"][0]
    assert first["made_by_hoso"] is True and first["changed_outside_hoso"] is False
    assert first["trusted"] and first["intact"] and first["cert_valid_at_signing"]
    assert first["chain"] == [
        first["signer_name"],
        "HoSo Demo CA cấp chứng thư",
        "HoSo Demo CA gốc",
    ]
    assert body["verdict"].startswith("HỢP LỆ")


def test_info_only_edit_after_issue_is_flagged(world: World) -> None:
    # pyHanko accepts an /Info-only incremental update; HoSo knows the issued SHA-256.
    version = _issued(world)
    pdf = read_blob(version.signed_sha256)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.set_info(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Sửa")})
    )
    out = io.BytesIO()
    writer.write(out)
    response = api_for(world, "hieutruong").post(
        "/api/v1/signatures/validate/", {"file": io.BytesIO(out.getvalue())}, format="multipart"
    )
    body = response.json()
    assert body["issued_by_hoso"] is False
    assert body["signatures"][-1]["changed_outside_hoso"] is True
    assert body["all_valid"] is False
    assert body["verdict"].startswith("CẢNH BÁO")


def test_byte_flip_is_invalid(world: World) -> None:
    version = _issued(world)
    pdf = bytearray(read_blob(version.signed_sha256))
    at = pdf.index(b"Contents") - 200
    pdf[at] = (pdf[at] + 1) % 256
    response = api_for(world, "hieutruong").post(
        "/api/v1/signatures/validate/", {"file": io.BytesIO(bytes(pdf))}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["all_valid"] is False


def test_non_pdf_without_p7s_gets_a_clear_message(world: World) -> None:
    response = api_for(world, "hieutruong").post(
        "/api/v1/signatures/validate/",
        {"file": io.BytesIO(b"PK\x03\x04 not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert ".p7s" in response.json()["message"]


def test_validation_page_and_record_panel(world: World) -> None:
    version = _issued(world)
    client = login(world.people["hieutruong"])
    pdf = read_blob(version.signed_sha256)
    page = client.post("/ky-so/kiem-tra/", {"file": io.BytesIO(pdf)})
    assert 'data-verdict="valid"' in page.content.decode()
    panel = client.get(f"/ky-so/ho-so/{version.record_id}/")
    assert panel.status_code == 200
    assert "Đóng dấu" in panel.content.decode()
    assert 'data-verdict="valid"' in panel.content.decode()
    assert SignatureRecord.objects.filter(version=version).count() == 2


def test_batch_everything_approved_this_week(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    records = _approved(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world, "hieutruong").post(
            "/api/v1/signing/batches/", {"this_week": True, "passphrase": PASS}, format="json"
        )
    assert response.status_code == 202, response.json()
    batch = SignBatch.objects.get(pk=response.json()["id"])
    assert {i.record_id for i in batch.items.all()} >= {r.pk for r in records}
    assert batch.failed == 0 and batch.done == batch.total
