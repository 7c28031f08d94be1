"""Batch signing with the USB token, server side: the plan (`POST /api/v1/signing/usb-batches/`),
the two-phase pair per document, expiry of prepared-but-never-completed sessions, and B-LT in
two-phase with the demo PKI's local OCSP/CRL responder. The token's signature over each digest
is made here with the certificate's key (the agent itself is tested with SoftHSM2 elsewhere)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from io import BytesIO
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from hoso.records.models import RecordVersion
from hoso.records.services.signing import SESSION_TTL, external_sessions_purge
from hoso.records.services.versions import Upload, record_upload
from hoso.records.services.workflow import record_approve, record_submit
from hoso.signing import conf
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.validate import PdfValidator, pdfsig_all_intact
from hoso.signing.models import Backend, Certificate, ExternalSession, SignatureRecord
from hoso.signing.services.certificates import certificate_register
from hoso.signing.services.external_batch import NOT_EXTERNAL, NOTHING
from hoso.signing.tests.factories import (
    CHAIN_REVIEW_SIGN_SEAL,
    record_type,
    signature_block_pdf,
)
from tests.factories import World, api_login, demo_ca, signing_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
URL = "/api/v1/signing/usb-batches/"


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("usb")


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _token_cert(world: World, ca: Any = None) -> Any:
    """The principal's certificate "on a USB token" (registered as external, key id 02)."""
    principal = world.people["hieutruong"]
    issued = pki.issue_person_cert(ca or demo_ca(), principal.first_name)
    Certificate.objects.filter(owner=principal).update(status="retired")
    certificate_register(
        actor=principal,
        data=issued.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.EXTERNAL,
        key_ref={"key_id": "02"},
    )
    return issued


def approved_records(owner: Any, reviewer: Any, n: int) -> list[Any]:
    """n approved records of `owner` (distinct titles), waiting for the principal's signature."""
    pdf = signature_block_pdf()
    records = []
    for i in range(n):  # one record per record type and period: a type per record
        rt = record_type(CHAIN_REVIEW_SIGN_SEAL, f"TEST.USB{i}")
        upload = Upload(io.BytesIO(pdf), "ke-hoach.pdf", len(pdf))
        version = record_upload(
            actor=owner, record_type=rt, upload=upload, title=f"Kế hoạch số {i + 1}"
        )
        record_submit(actor=owner, record_id=version.record_id)
        record_approve(actor=reviewer, record_id=version.record_id)
        records.append(version.record)
    return records


def _sign_document(api: Any, issued: Any, record_id: int, certificate: int) -> Any:
    base = f"/api/v1/records/{record_id}/sign/"
    prep = api.post(base + "prepare/", {"certificate": certificate}, format="json")
    assert prep.status_code == 201, prep.json()
    digest = base64.b64decode(prep.json()["digest_b64"])
    signature = issued.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    return api.post(
        base + "complete/",
        {"session": prep.json()["session"], "signature_b64": base64.b64encode(signature).decode()},
        format="json",
    )


def _records(world: World, n: int) -> list[Any]:
    return approved_records(world.people["giaovien"], world.people["totruong"], n)


def test_plan_lists_the_selected_records_waiting_for_me_in_order(world):
    issued = _token_cert(world)
    a, b = _records(world, 2)
    api = api_for(world, "hieutruong")
    response = api.post(URL, {"records": [b.pk, a.pk, b.pk, 999_999_999]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [d["record"] for d in body["documents"]] == [b.pk, a.pk]
    assert body["documents"][0]["title"] == b.title
    assert body["certificate"]["key_id"] == "02"
    active = Certificate.objects.get(owner=world.people["hieutruong"], status="active")
    assert body["certificate"]["id"] == active.pk and issued.serial


def test_plan_this_week_takes_every_approved_record_waiting_for_me(world):
    _token_cert(world)
    records = _records(world, 3)
    body = api_for(world, "hieutruong").post(URL, {"this_week": True}, format="json").json()
    assert {r.pk for r in records} <= {d["record"] for d in body["documents"]}


def test_plan_refuses_a_certificate_not_on_a_token(world):
    a = _records(world, 1)[0]  # the principal's demo certificate is a PKCS#12 file
    response = api_for(world, "hieutruong").post(URL, {"records": [a.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == NOT_EXTERNAL


def test_plan_of_records_not_waiting_for_me_is_refused(world):
    _token_cert(world)
    a = _records(world, 1)[0]
    response = api_for(world, "hieutruong").post(URL, {"records": []}, format="json")
    assert response.status_code == 400 and response.json()["message"] == NOTHING
    # The signature step is the principal's; another teacher gets nothing to sign.
    response = api_for(world, "giaovien2").post(URL, {"records": [a.pk]}, format="json")
    assert response.status_code == 400
    assert SignatureRecord.objects.filter(version__record=a).count() == 0


def test_plan_needs_a_signed_in_person(world, client):
    a = _records(world, 1)[0]
    assert client.post(URL, {"records": [a.pk]}, content_type="application/json").status_code in (
        401,
        403,
    )


def test_batch_each_document_signed_completely_or_left_unchanged(world):
    issued = _token_cert(world)
    a, b, c = _records(world, 3)
    api = api_for(world, "hieutruong")
    plan = api.post(URL, {"records": [a.pk, b.pk, c.pk]}, format="json").json()
    cert = plan["certificate"]["id"]
    assert _sign_document(api, issued, a.pk, cert).status_code == 201
    # b: prepared, then the agent went away; its session is never completed.
    prep = api.post(f"/api/v1/records/{b.pk}/sign/prepare/", {}, format="json")
    assert prep.status_code == 201
    assert _sign_document(api, issued, c.pk, cert).status_code == 201
    for record, signed in ((a, True), (b, False), (c, True)):
        version = RecordVersion.objects.get(record=record)
        assert bool(version.signed_sha256) is signed
        if signed:
            assert pdfsig_all_intact(read_blob(version.signed_sha256), 1)
    assert SignatureRecord.objects.filter(version__record=b).count() == 0
    # Completed sessions drop their copy of the PDF; b's prepared one expires and goes.
    assert ExternalSession.objects.get(record=a).state_json == ""
    later = ExternalSession.objects.get(record=b).created_at + SESSION_TTL + dt.timedelta(seconds=1)
    assert external_sessions_purge(now=later) == 3
    assert not ExternalSession.objects.filter(record=b).exists()
    late = api.post(
        f"/api/v1/records/{b.pk}/sign/complete/",
        {"session": prep.json()["session"], "signature_b64": "AAAA"},
        format="json",
    )
    assert late.status_code == 409 and "hết hạn" in late.json()["message"]
    assert RecordVersion.objects.get(record=b).signed_sha256 == ""


def test_expired_session_cannot_be_completed(world):
    issued = _token_cert(world)
    a = _records(world, 1)[0]
    api = api_for(world, "hieutruong")
    prep = api.post(f"/api/v1/records/{a.pk}/sign/prepare/", {}, format="json").json()
    ExternalSession.objects.filter(pk=prep["session"]).update(
        created_at=ExternalSession.objects.get(pk=prep["session"]).created_at - SESSION_TTL
    )
    signature = issued.key.sign(
        base64.b64decode(prep["digest_b64"]), padding.PKCS1v15(), Prehashed(hashes.SHA256())
    )
    done = api.post(
        f"/api/v1/records/{a.pk}/sign/complete/",
        {"session": prep["session"], "signature_b64": base64.b64encode(signature).decode()},
        format="json",
    )
    assert done.status_code == 409
    assert RecordVersion.objects.get(record=a).signed_sha256 == ""


@pytest.mark.slow
def test_two_phase_b_lt_through_the_api_embeds_revocation_info(world, settings):
    from hoso.signing.engine.localservices import LocalTrustServices

    ca = demo_ca()
    with LocalTrustServices(ca) as services:
        ca.ocsp_url, ca.crl_url = services.ocsp_url, services.crl_url
        issued = _token_cert(world, ca)
        a = _records(world, 1)[0]
        settings.HOSO_SIGNING_TSA_URL = services.tsa_url
        settings.HOSO_SIGNING_LEVEL = "B-LT"
        api = api_for(world, "hieutruong")
        cert = Certificate.objects.get(owner=world.people["hieutruong"], status="active")
        done = _sign_document(api, issued, a.pk, cert.pk)
    assert done.status_code == 201, done.json()
    assert done.json()["level"] == "B-LT"
    pdf = read_blob(RecordVersion.objects.get(record=a).signed_sha256)
    assert pdfsig_all_intact(pdf, 1)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(pdf), strict=False))
    assert len(dss.ocsps) >= 1
    # Offline (the responder is gone) and requiring revocation data: the DSS suffices.
    # The signer's declared status (OCSP) must come from the DSS; the demo issuing CA's own
    # status is published on HOSO_PKI_URL (/crl/root), not served here: checked if available.
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    rules = RevocationCheckingPolicy(
        RevocationCheckingRule.CHECK_IF_DECLARED, RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    )
    offline = PdfValidator(
        conf.trust_anchors(),
        other_certs=conf.intermediates(),
        revinfo_policy=CertRevTrustPolicy(rules),
    )
    sig = offline.validate(pdf).signatures[0]
    assert sig.bottom_line, sig.verdict
