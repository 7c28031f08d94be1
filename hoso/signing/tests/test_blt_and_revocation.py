"""B-LT in the product (server-side keys, with OCSP/CRL in the DSS), the demo PKI served from a
persistent revocation store with a TSA of its own chain, and revocation checked at signing."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from hoso.records.models import RecordVersion
from hoso.records.services.signing import version_sign
from hoso.signing import conf
from hoso.signing import demo as signing_demo
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices
from hoso.signing.engine.validate import pdfsig_all_intact, pdfsig_report
from hoso.signing.models import Certificate, SignatureRecord
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from hoso.signing.verification import validate_pdf
from tests.factories import World, api_login, login, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    return signing_world("blt")


def _ocsp_status(services: LocalTrustServices, issued: pki.Issued) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509 import ocsp

    req = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(issued.cert, services.ca.intermediate.cert, hashes.SHA256())
        .build()
    )
    answer = services.ocsp_response(req.public_bytes(serialization.Encoding.DER))
    parsed = asn1_ocsp.OCSPResponse.load(answer)
    return str(
        parsed["response_bytes"]["response"]
        .parsed["tbs_response_data"]["responses"][0]["cert_status"]
        .name
    )


def test_revocation_survives_a_restart_and_the_tsa_has_its_own_chain(tmp_path: Path) -> None:
    store = pki.RevocationStore(tmp_path / "revoked.json")
    ca = pki.create_demo_ca(root_crl_url="http://127.0.0.1:1/crl/root")
    tsa_root, tsa = pki.create_tsa_authority()
    person = pki.issue_person_cert(ca, "Phạm Thị Hương")
    with LocalTrustServices(ca, tsa=tsa, tsa_chain=[tsa_root.cert], store=store) as first:
        assert _ocsp_status(first, person) == "good"
        store.revoke(person.serial, dt.datetime(2025, 5, 20, tzinfo=dt.UTC))
        assert _ocsp_status(first, person) == "revoked"
    again = LocalTrustServices(ca, tsa=tsa, tsa_chain=[tsa_root.cert], store=store)
    with again:
        assert _ocsp_status(again, person) == "revoked"
        crl = x509.load_der_x509_crl(again.crl_der())
        assert crl.get_revoked_certificate_by_serial_number(person.serial) is not None
    assert tsa.cert.issuer == tsa_root.cert.subject != ca.root.cert.subject
    ext = ca.intermediate.cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    assert ext.value[0].full_name[0].value == "http://127.0.0.1:1/crl/root"


def test_demo_pki_certificates_carry_ocsp_and_crl_addresses(world: World) -> None:
    cert = Certificate.objects.filter(owner=world.people["hieutruong"]).first()
    assert cert is not None
    parsed = x509.load_pem_x509_certificate(cert.pem.encode())
    aia = parsed.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    crl = parsed.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert aia[0].access_location.value == conf.pki_url() + "/ocsp"
    assert crl[0].full_name[0].value == conf.pki_url() + "/crl"
    assert (conf.pki_dir() / "tsa-root.pem") in conf.trust_anchor_paths()


@pytest.fixture
def served(world: World, settings: Any, tmp_path: Path) -> Any:
    """The demo CA served on a free port; the principal and the school's seal get PKCS#12
    certificates carrying that port's OCSP/CRL addresses (the demo certificates point at the
    default port, which the tests do not serve)."""
    ca = signing_demo.load_ca(conf.pki_dir())
    tsa = signing_demo.load_tsa(conf.pki_dir())
    store = pki.RevocationStore(tmp_path / "revoked.json")
    services = LocalTrustServices(
        ca, tsa=tsa[0] if tsa else None, tsa_chain=tsa[1] if tsa else None, store=store
    ).start()
    ca.ocsp_url, ca.crl_url = services.ocsp_url, services.crl_url
    principal = world.people["hieutruong"]
    issued = pki.issue_person_cert(ca, principal.first_name)
    Certificate.objects.filter(owner=principal).update(status="retired")
    path = conf.pki_dir() / "people" / f"{principal.username}-blt.p12"
    signing_demo._register(ca, issued, path, b"", owner=principal)
    Certificate.objects.filter(owner=principal, status="active").update(image_sha256="")
    school = principal.staff.unit.school
    seal = pki.issue_seal_cert(ca, school.name)
    Certificate.objects.filter(unit=school).update(status="retired")
    path = conf.pki_dir() / "seals" / f"{school.code}-blt.p12"
    signing_demo._register(ca, seal, path, b"", unit=school)
    settings.HOSO_SIGNING_TSA_URL = services.tsa_url
    yield services, store, issued
    services.stop()


def _record(world: World) -> Any:
    return approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )


@pytest.mark.django_db
def test_server_side_b_lt_carries_ocsp_and_is_not_a_change(
    world: World, settings: Any, served: Any
) -> None:
    settings.HOSO_SIGNING_LEVEL = "B-LT"
    record = _record(world)
    sig = version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    assert sig.level == "B-LT"
    pdf = read_blob(RecordVersion.objects.get(record=record).signed_sha256)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(pdf), strict=False))
    assert len(dss.ocsps) >= 1
    assert pdfsig_all_intact(pdf, 1)
    report = validate_pdf(pdf)
    assert report["all_valid"] is True, report["verdict"]
    assert report["changed_after_last_signature"] is False
    assert report["verdict"].startswith("HỢP LỆ")


@pytest.mark.django_db
def test_revoked_certificate_is_refused_with_the_holders_name(world: World, served: Any) -> None:
    services, store, issued = served
    store.revoke(issued.serial)
    record = _record(world)
    from hoso.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    assert world.people["hieutruong"].first_name in err.value.message
    assert "thu hồi" in err.value.message
    assert not SignatureRecord.objects.filter(version__record=record).exists()


@pytest.mark.django_db
def test_unknown_revocation_status_refused_or_signed_with_warning_as_the_so_decides(
    world: World, settings: Any, served: Any
) -> None:
    services, _store, _issued = served
    services.stop()  # the CA's responder is unreachable
    from hoso.signing import documents

    documents._revocation_seen.clear()
    settings.HOSO_SIGNING_REVOCATION = "refuse"
    record = _record(world)
    from hoso.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    assert "Không kiểm tra được tình trạng thu hồi" in err.value.message
    settings.HOSO_SIGNING_REVOCATION = "warn"
    settings.HOSO_SIGNING_TSA_URL = ""
    response = api_login(world.people["hieutruong"]).post(
        f"/api/v1/records/{record.pk}/sign/", {"passphrase": PASS}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert "Không kiểm tra được tình trạng thu hồi" in response.json()["warning"]


@pytest.mark.django_db
def test_revocation_dated_before_signing_shows_on_the_record_page(
    world: World, settings: Any, served: Any
) -> None:
    """Signed through HoSo (B-T: the time-stamp proves the time); the CA later publishes a
    revocation dated before that time: the record page says the signature is invalid."""
    services, store, issued = served
    settings.HOSO_SIGNING_LEVEL = "B-T"
    settings.HOSO_SIGNING_CRL_URLS = services.crl_url
    conf._crl_cache.clear()
    record = _record(world)
    version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    page = login(world.people["hieutruong"]).get(f"/ky-so/ho-so/{record.pk}/").content.decode()
    assert 'data-verdict="invalid"' not in page and 'data-verdict="valid"' in page
    store.revoke(issued.serial, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    conf._crl_cache.clear()
    page = login(world.people["hieutruong"]).get(f"/ky-so/ho-so/{record.pk}/").content.decode()
    assert 'data-verdict="invalid"' in page and "thu hồi" in page


@pytest.mark.django_db
def test_issue_adds_b_lta_and_renewal_is_listed_without_changing_signed_bytes(
    world: World, settings: Any, served: Any
) -> None:
    from hoso.records.services.archive import archive_renew, due_versions
    from hoso.records.services.signing import version_seal
    from hoso.signing.models import ArchiveTimestamp

    settings.HOSO_SIGNING_LEVEL = "B-T"
    record = _record(world)
    version_sign(actor=world.people["hieutruong"], record_id=record.pk, passphrase=PASS)
    version_seal(actor=world.people["vanthu"], record_id=record.pk, passphrase=PASS)
    version = RecordVersion.objects.get(record=record)
    assert version.issued_at is not None
    issued = read_blob(version.signed_sha256)
    rows = list(ArchiveTimestamp.objects.filter(version=version))
    assert [r.kind for r in rows] == ["issue"]
    report = validate_pdf(issued)
    assert [s["kind"] for s in report["signatures"]] == ["signature", "signature", "doc_timestamp"]
    assert report["all_valid"] is True, report["verdict"]
    assert report["changed_after_last_signature"] is False and report["issued_by_hoso"]

    far = rows[0].tsa_not_after + dt.timedelta(days=1)
    assert version.pk in due_versions(far)
    assert version.pk not in due_versions(rows[0].tsa_not_after - dt.timedelta(days=4000))
    assert archive_renew(version_id=version.pk, force=True) is True
    from hoso.records.services.archive import current_signed_sha256

    renewed = read_blob(current_signed_sha256(version))
    assert renewed.startswith(issued)  # the signed bytes never change
    assert validate_pdf(renewed)["issued_by_hoso"] is True
    page = login(world.people["hieutruong"]).get(f"/ky-so/ho-so/{record.pk}/").content.decode()
    assert "Khi phát hành" in page and "Gia hạn" in page
    # A download serves the copy with the latest archive time-stamp, page and API alike.
    for url in (
        f"/ho-so/{record.pk}/phien-ban/1/pdf/",
        f"/api/v1/records/{record.pk}/versions/1/pdf",
    ):
        response = login(world.people["hieutruong"]).get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == renewed, url
    # Every file the database points at is stored: the scrub finds nothing missing.
    from hoso.ops.scrub import scrub_run

    assert scrub_run(notify=False).missing == []


def test_destruction_minutes_are_issued_with_b_lta(
    world: World, settings: Any, served: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The biên bản tiêu hủy is kept for good: issued like a record, with the validation data
    and a document time-stamp, listed for renewal."""
    from hoso.retention.demo import old_record, old_year
    from hoso.retention.services import proposal_create
    from hoso.signing.models import ArchiveTimestamp

    # Given three lesson plans of 2018-2019, long past their 5 years, proposed for destruction
    school, year = world.units["school"], old_year()
    for week in range(3):
        old_record(
            school=school,
            unit=world.units["to"],
            owner=world.people["giaovien"],
            week=week,
            year=year,
        )
    proposal = proposal_create(school=school)
    assert proposal is not None
    settings.HOSO_SIGNING_LEVEL = "B-T"
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.people["hieutruong"]).post(
            f"/luu-tru/{proposal.pk}/duyet/", {"passphrase": PASS}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.minutes_record is not None
    version = proposal.minutes_record.versions.get()
    assert [r.kind for r in ArchiveTimestamp.objects.filter(version=version)] == ["issue"]
    report = validate_pdf(read_blob(version.signed_sha256))
    assert [s["kind"] for s in report["signatures"]] == ["signature", "doc_timestamp"]
    assert report["all_valid"] is True, report["verdict"]
    sigs = pdfsig_report(read_blob(version.signed_sha256))  # poppler judges the signature
    assert sigs[0].get("Signature Validation") == "Signature is Valid."
