"""GV → TTCM signs → HT signs → văn thư seals → issued, through the API; every signature
intact for pdfsig and pyHanko; refusals leave the version untouched."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.records.models import Record, RecordState, RecordVersion
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import SignatureRecord
from hoso.signing.tests.factories import submitted_record
from hoso.signing.verification import validator
from tests.factories import World, api_login, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("wa")


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _version(record: Record) -> RecordVersion:
    return RecordVersion.objects.get(record=record, number=1)


def test_full_chain_signs_seals_and_issues(world: World) -> None:
    # Given a teacher's record submitted into TTCM sign → HT sign → VT seal
    record = submitted_record(world.people["giaovien"])
    original = _version(record).original_sha256

    # When the group leader, the principal and the clerk act in turn
    r1 = api_for(world, "totruong").post(
        f"/api/v1/records/{record.pk}/sign/", {"passphrase": PASS}, format="json"
    )
    r2 = api_for(world, "hieutruong").post(
        f"/api/v1/records/{record.pk}/sign/", {"passphrase": PASS}, format="json"
    )
    r3 = api_for(world, "vanthu").post(
        f"/api/v1/records/{record.pk}/seal/", {"passphrase": PASS}, format="json"
    )

    # Then each step answered 201, the version is issued, the original untouched
    assert [r1.status_code, r2.status_code, r3.status_code] == [201, 201, 201], (
        r1.json(),
        r2.json(),
        r3.json(),
    )
    record.refresh_from_db()
    version = _version(record)
    assert record.state == RecordState.ISSUED
    assert version.issued_at is not None
    assert version.original_sha256 == original
    sigs = list(SignatureRecord.objects.filter(version=version).order_by("signed_at", "id"))
    assert [(s.role, s.action) for s in sigs] == [("TTCM", "sign"), ("HT", "sign"), ("VT", "seal")]
    assert sigs[0].input_sha256 == original
    assert sigs[1].input_sha256 == sigs[0].output_sha256
    assert version.signed_sha256 == sigs[2].output_sha256
    pdf = read_blob(version.signed_sha256)
    # pdfsig (poppler) and pyHanko both call every signature intact and valid
    assert pdfsig_all_intact(pdf, 3)
    report = validator().validate(pdf)
    assert len(report.signatures) == 3 and report.all_valid, [s.verdict for s in report.signatures]
    assert sigs[1].placement["image"] is True  # signer image under "HIỆU TRƯỞNG"
    assert sigs[2].placement["image"] is True  # seal over the principal's image


def test_wrong_passphrase_stores_nothing(world: World) -> None:
    record = submitted_record(world.people["giaovien"])
    response = api_for(world, "totruong").post(
        f"/api/v1/records/{record.pk}/sign/", {"passphrase": "sai"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_passphrase"
    assert "Mật khẩu" in response.json()["message"]
    assert _version(record).signed_sha256 == ""
    assert SignatureRecord.objects.filter(version__record=record).count() == 0


def test_outsider_cannot_sign(world: World) -> None:
    record = submitted_record(world.people["giaovien"])
    response = api_for(world, "giaovien2").post(
        f"/api/v1/records/{record.pk}/sign/", {"passphrase": PASS}, format="json"
    )
    assert response.status_code in (403, 404)
    assert SignatureRecord.objects.filter(version__record=record).count() == 0


def test_seal_refused_before_the_sign_steps(world: World) -> None:
    record = submitted_record(world.people["giaovien"])
    response = api_for(world, "vanthu").post(
        f"/api/v1/records/{record.pk}/seal/", {"passphrase": PASS}, format="json"
    )
    assert response.status_code == 409
    assert _version(record).signed_sha256 == ""


def test_someone_elses_certificate_is_refused(world: World) -> None:
    from hoso.signing.models import Certificate

    record = submitted_record(world.people["giaovien"])
    other = Certificate.objects.get(owner=world.people["hieutruong"])
    response = api_for(world, "totruong").post(
        f"/api/v1/records/{record.pk}/sign/",
        {"passphrase": PASS, "certificate": other.pk},
        format="json",
    )
    assert response.status_code == 403
    assert "không phải của bạn" in response.json()["message"]
    assert SignatureRecord.objects.filter(version__record=record).count() == 0


def test_with_a_tsa_the_signature_is_b_t(world: World, settings: Any) -> None:
    from hoso.signing import conf
    from hoso.signing.demo import load_ca
    from hoso.signing.engine.localservices import LocalTrustServices

    record = submitted_record(world.people["giaovien"])
    with LocalTrustServices(load_ca(conf.pki_dir())) as services:
        settings.HOSO_SIGNING_TSA_URL = services.tsa_url
        response = api_for(world, "totruong").post(
            f"/api/v1/records/{record.pk}/sign/", {"passphrase": PASS}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == "B-T"
    pdf = read_blob(_version(record).signed_sha256)
    sig = validator().validate(pdf).signatures[0]
    assert sig.timestamp_valid is True and sig.signing_time_source == "timestamp"
    assert pdfsig_all_intact(pdf, 1)
