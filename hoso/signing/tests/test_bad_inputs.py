"""Bad input: expired, revoked, not-yet-valid, untrusted or someone else's certificate;
corrupted, encrypted, certified-no-changes PDFs. A clear Vietnamese message, and nothing
stored: no SignatureRecord, the version's pointer unchanged, the workflow still waiting."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pikepdf
import pytest
from django.utils import timezone

from hoso.core.errors import DomainError
from hoso.records.models import RecordVersion, Workflow
from hoso.records.services.signing import version_sign
from hoso.signing import conf
from hoso.signing.demo import _register
from hoso.signing.engine import demo_images, pki
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.signers import Pkcs12Signer
from hoso.signing.models import Certificate, CertStatus, SignatureRecord
from hoso.signing.tests.factories import (
    CHAIN_REVIEW_SIGN_SEAL,
    approved_record,
    signature_block_pdf,
)
from tests.factories import World, signing_world

PASS = "hoso-demo-2025"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates, and its seal."""
    return signing_world("bi")


@pytest.fixture
def pending(world: World) -> Any:
    """A teacher's record the tổ trưởng approved: the principal's signature is next."""
    return approved_record(
        world.people["giaovien"], world.people["totruong"], CHAIN_REVIEW_SIGN_SEAL
    )


def _assert_untouched(record: Any) -> None:
    assert SignatureRecord.objects.filter(version__record=record).count() == 0
    assert RecordVersion.objects.get(record=record).signed_sha256 == ""
    assert Workflow.objects.get(record=record, is_open=True).pending_action == "sign"


def _sign(world: World, record: Any, **kw: Any) -> str:
    with pytest.raises(DomainError) as err:
        version_sign(actor=world.people["hieutruong"], record_id=record.pk, **kw)
    _assert_untouched(record)
    return err.value.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"not_after": timezone.now() - dt.timedelta(days=1)}, "đã hết hạn"),
        ({"not_before": timezone.now() + dt.timedelta(days=3)}, "chưa đến thời hạn hiệu lực"),
        ({"status": CertStatus.REVOKED}, "đã bị thu hồi"),
    ],
)
def test_unusable_certificate_is_refused(
    world: World, pending: Any, change: dict[str, Any], words: str
) -> None:
    cert = Certificate.objects.get(owner=world.people["hieutruong"])
    Certificate.objects.filter(pk=cert.pk).update(**change)
    assert words in _sign(world, pending, passphrase=PASS, certificate_id=cert.pk)
    assert words in _sign(world, pending, passphrase=PASS)  # the default choice says why too


def test_certificate_from_an_untrusted_ca_is_refused(world: World, pending: Any) -> None:
    principal = world.people["hieutruong"]
    other_ca = pki.create_demo_ca()
    issued = pki.issue_person_cert(other_ca, principal.first_name)
    path = conf.pki_dir() / "people" / "untrusted.p12"
    cert = _register(other_ca, issued, path, demo_images.demo_signature_png("X"), owner=principal)
    message = _sign(world, pending, passphrase=PASS, certificate_id=cert.pk)
    assert "chuỗi tin cậy" in message


def _with_pdf(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("hoso.records.services.signing.pdf_to_sign", lambda version: data)


def test_corrupted_pdf(world: World, pending: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_pdf(monkeypatch, b"%PDF-1.7\n garbage without xref")
    assert "hỏng" in _sign(world, pending, passphrase=PASS)


def test_encrypted_pdf(world: World, pending: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(signature_block_pdf())) as p:
        p.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    _with_pdf(monkeypatch, out.getvalue())
    assert "mã hóa" in _sign(world, pending, passphrase=PASS)


def test_certified_no_changes_pdf(
    world: World, pending: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyhanko.sign import fields

    path = conf.pki_dir() / "people" / f"{world.people['phohieutruong'].username}.p12"
    certified = _certify(
        signature_block_pdf(), Pkcs12Signer(path.read_bytes(), PASS), fields.MDPPerm.NO_CHANGES
    )
    _with_pdf(monkeypatch, certified)
    assert "không cho phép thay đổi" in _sign(world, pending, passphrase=PASS)


def _certify(pdf: bytes, signer: Pkcs12Signer, perm: Any) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name="ChungNhan",
        certify=True,
        docmdp_permissions=perm,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer.pyhanko_signer
    )
    return bytes(out.getvalue())


def test_missing_passphrase(world: World, pending: Any) -> None:
    assert "mật khẩu" in _sign(world, pending, passphrase="").lower()


def test_sign_helper_stays_importable() -> None:
    assert callable(sign_pdf)
