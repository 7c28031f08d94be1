"""Certificate registration (PEM, PKCS#12 public part, seal by HT/VT only), expiry warning on
the home page, detached CAdES for versions kept in their own format."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from hoso.core.home import tasks_for
from hoso.records.models import RecordVersion
from hoso.records.services.signing import version_sign
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.models import Certificate, CertKind, SignatureRecord
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from tests.factories import World, api_login, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("cc")


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _pem(name: str) -> tuple[bytes, pki.Issued, pki.DemoCA]:
    ca = load_ca(conf.pki_dir())
    issued = pki.issue_person_cert(ca, name)
    return issued.cert.public_bytes(serialization.Encoding.PEM), issued, ca


def test_person_registers_own_certificate_once(world: World) -> None:
    pem, _, _ = _pem("Trần Thị Mai")
    api = api_for(world, "giaovien2")
    first = api.post("/api/v1/signing/certificates/", {"pem": pem.decode()}, format="json")
    again = api.post("/api/v1/signing/certificates/", {"pem": pem.decode()}, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["common_name"] == "Trần Thị Mai"
    assert first.json()["backend"] == "external"
    assert again.status_code == 400 and "đã được đăng ký" in again.json()["message"]
    assert Certificate.objects.filter(owner=world.people["giaovien2"]).count() == 2  # + demo


def test_pkcs12_public_part_and_wrong_password(world: World) -> None:
    _, issued, ca = _pem("Lê Văn Bình")
    p12 = pki.export_pkcs12(issued, ca, "mk")
    api = api_for(world, "giaovien2")
    bad = api.post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(p12), "passphrase": "sai"},
        format="multipart",
    )
    ok = api.post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(p12), "passphrase": "mk"},
        format="multipart",
    )
    assert bad.status_code == 400 and "Mật khẩu" in bad.json()["message"]
    assert ok.status_code == 201 and ok.json()["common_name"] == "Lê Văn Bình"


def test_garbage_is_not_a_certificate(world: World) -> None:
    response = api_for(world, "giaovien2").post(
        "/api/v1/signing/certificates/", {"pem": "xin chào"}, format="json"
    )
    assert response.status_code == 400
    assert "không phải chứng thư số" in response.json()["message"]


def test_only_principal_or_clerk_registers_the_school_seal(world: World) -> None:
    school = world.people["hieutruong"].staff.unit.school
    seal = pki.issue_seal_cert(load_ca(conf.pki_dir()), school.name)
    pem = seal.cert.public_bytes(serialization.Encoding.PEM).decode()
    denied = api_for(world, "giaovien").post(
        "/api/v1/signing/certificates/", {"pem": pem, "unit": school.pk}, format="json"
    )
    allowed = api_for(world, "vanthu").post(
        "/api/v1/signing/certificates/", {"pem": pem, "unit": school.pk}, format="json"
    )
    assert denied.status_code == 403
    assert allowed.status_code == 201 and allowed.json()["kind"] == CertKind.SEAL
    assert Certificate.objects.filter(unit=school, kind=CertKind.SEAL).count() == 2


def test_expiring_certificate_is_a_home_task(world: World) -> None:
    principal = world.people["hieutruong"]
    Certificate.objects.filter(owner=principal).update(
        not_after=timezone.now() + dt.timedelta(days=10)
    )
    titles = [t.title for t in tasks_for(principal)]
    assert "Chứng thư số sắp hết hạn" in titles


def test_version_kept_in_its_format_gets_a_detached_cades(world: World) -> None:
    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    RecordVersion.objects.filter(record=record).update(kind="docx")  # as if a Word file + rendition
    sig = version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    version = RecordVersion.objects.get(record=record)
    assert sig.detached_sha256
    response = api_for(world, "hieutruong").post(
        "/api/v1/signatures/validate/",
        {
            "file": io.BytesIO(read_blob(version.original_sha256)),
            "signature": io.BytesIO(read_blob(sig.detached_sha256)),
        },
        format="multipart",
    )
    body = response.json()
    assert response.status_code == 200 and body["kind"] == "cades"
    assert body["bottom_line"] is True and body["trusted"] is True
    tampered = api_for(world, "hieutruong").post(
        "/api/v1/signatures/validate/",
        {
            "file": io.BytesIO(read_blob(version.original_sha256) + b" "),
            "signature": io.BytesIO(read_blob(sig.detached_sha256)),
        },
        format="multipart",
    )
    assert tampered.json()["bottom_line"] is False
    assert SignatureRecord.objects.filter(version=version).count() == 1
