"""Two-phase signing through the local agent with SoftHSM2 as the person's USB token:
prepare on the server → the agent signs the digest → complete on the server."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from hoso.records.models import RecordState, RecordVersion
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import Backend, Certificate, SignatureRecord
from hoso.signing.services.certificates import certificate_register
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from hoso.signing.verification import validator
from tests.factories import World, api_login, demo_ca, signing_world

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "agent"))
pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.softhsm]
ORIGIN = "http://testserver"


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("tp")


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


@pytest.fixture(scope="module")
def token_cert(softhsm: Any, django_db_setup: Any) -> Any:
    """A key + certificate from the demo CA on the session's SoftHSM token (id 02): one
    SoftHSM configuration per process, since the library reads it once."""
    issued = pki.issue_person_cert(demo_ca(), "Người ký bằng token")
    with tempfile.TemporaryDirectory() as tmp:
        key, cert = Path(tmp) / "key.der", Path(tmp) / "cert.der"
        key.write_bytes(
            issued.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert.write_bytes(issued.cert.public_bytes(serialization.Encoding.DER))
        base = [
            "pkcs11-tool",
            "--module",
            softhsm.lib,
            "--token-label",
            softhsm.label,
            "--login",
            "--pin",
            softhsm.pin,
            "--id",
            "02",
            "--label",
            "token-ht",
        ]
        for path, kind in ((key, "privkey"), (cert, "cert")):
            subprocess.run(
                [*base, "--write-object", str(path), "--type", kind],
                check=True,
                capture_output=True,
            )
    return issued


@pytest.fixture
def agent(token_cert: Any, softhsm: Any, world: World) -> Iterator[Any]:
    from hoso_signer.batch import TokenAccess
    from hoso_signer.server import SignerAgent

    # The principal registers the token's certificate (what "đọc từ USB token" does).
    principal = world.people["hieutruong"]
    Certificate.objects.filter(owner=principal).update(status="retired")
    certificate_register(
        actor=principal,
        data=token_cert.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.EXTERNAL,
        key_ref={"key_id": "02"},
    )
    server = SignerAgent(
        TokenAccess(softhsm.lib, softhsm.label),
        ORIGIN,
        confirm=lambda summary: True,
        pin_source=lambda: softhsm.pin,
    ).start()
    yield server
    server.stop()


def _agent_sign(agent: Any, body: dict[str, Any]) -> dict[str, Any]:
    opened = _agent_post(agent, "/batch", {"documents": [{"title": "Hồ sơ"}], "key_id": "02"})
    return _agent_post(agent, "/sign", {**body, "batch": opened["batch"]})


def _agent_post(agent: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(  # noqa: S310 — loopback agent
        agent.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 — loopback agent
        return dict(json.loads(resp.read()))


def test_principal_signs_with_token_through_agent(agent: Any, world: World) -> None:
    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    api = api_for(world, "hieutruong")

    prep = api.post(f"/api/v1/records/{record.pk}/sign/prepare/", {}, format="json")
    assert prep.status_code == 201, prep.json()
    assert prep.json()["key_id"] == "02"
    signed = _agent_sign(
        agent, {"digest_b64": prep.json()["digest_b64"], "algorithm": "sha256", "key_id": "02"}
    )
    done = api.post(
        f"/api/v1/records/{record.pk}/sign/complete/",
        {"session": prep.json()["session"], "signature_b64": signed["signature_b64"]},
        format="json",
    )
    assert done.status_code == 201, done.json()
    assert done.json()["backend"] == "external"

    seal = api_for(world, "vanthu").post(
        f"/api/v1/records/{record.pk}/seal/", {"passphrase": "hoso-demo-2025"}, format="json"
    )
    assert seal.status_code == 201, seal.json()
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    pdf = read_blob(RecordVersion.objects.get(record=record).signed_sha256)
    assert pdfsig_all_intact(pdf, 2)
    assert validator().validate(pdf).all_valid


def test_signature_from_another_key_is_refused(agent: Any, world: World) -> None:
    import base64

    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    api = api_for(world, "hieutruong")
    prep = api.post(f"/api/v1/records/{record.pk}/sign/prepare/", {}, format="json").json()
    forged = base64.b64encode(b"\x01" * 256).decode()
    done = api.post(
        f"/api/v1/records/{record.pk}/sign/complete/",
        {"session": prep["session"], "signature_b64": forged},
        format="json",
    )
    assert done.status_code == 400
    assert "không khớp" in done.json()["message"]
    assert SignatureRecord.objects.filter(version__record=record).count() == 0
    assert RecordVersion.objects.get(record=record).signed_sha256 == ""


def test_agent_refuses_other_origins(agent: Any) -> None:
    req = urllib.request.Request(  # noqa: S310
        agent.url + "/status", headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)  # noqa: S310
    assert err.value.code == 403


def test_server_side_pkcs11_signs_with_pin(token_cert: Any, softhsm: Any, world: World) -> None:
    # The same token as an HSM attached to the server: PIN in the request, key stays on it.
    principal = world.people["hieutruong"]
    Certificate.objects.filter(owner=principal).update(status="retired")
    cert = certificate_register(
        actor=principal,
        data=token_cert.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.PKCS11,
        key_ref={"module": softhsm.lib, "token_label": softhsm.label, "key_id": "02"},
    )
    record = approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )
    api = api_for(world, "hieutruong")
    wrong = api.post(f"/api/v1/records/{record.pk}/sign/", {"pin": "000000"}, format="json")
    assert wrong.status_code == 400 and "PIN" in wrong.json()["message"]
    assert RecordVersion.objects.get(record=record).signed_sha256 == ""
    done = api.post(f"/api/v1/records/{record.pk}/sign/", {"pin": softhsm.pin}, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["backend"] == "pkcs11" and cert.backend == "pkcs11"
    pdf = read_blob(RecordVersion.objects.get(record=record).signed_sha256)
    assert pdfsig_all_intact(pdf, 1)
