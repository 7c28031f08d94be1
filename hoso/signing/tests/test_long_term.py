"""Validation with proof of existence on a moved clock (ETSI EN 319 102-1): a signature made
while its certificate was valid stays valid after the certificate and its CA expire and after a
later revocation; a revocation dated before the signing time invalidates it. pdfsig and
pyHanko's own validator agree where they can judge (today's clock)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices, to_asn1_cert
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.signers import Pkcs12Signer
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, build_validation_context, pdfsig_report

NOW = dt.datetime.now(dt.UTC)
LATER = NOW + dt.timedelta(days=30)  # the person's certificate and the issuing CA expired


class ShortLived:
    """A person (2 days) under an issuing CA (3 days), a TSA of its own chain (30 years)."""

    def __init__(self) -> None:
        self.store_revoked: dict[int, dt.datetime] = {}
        self.ca = pki.create_demo_ca(issuing_not_after=NOW + dt.timedelta(days=3))
        self.tsa_root, self.tsa = pki.create_tsa_authority()
        self.services = LocalTrustServices(self.ca, tsa=self.tsa, tsa_chain=[self.tsa_root.cert])
        self.services.start()
        self.ca.ocsp_url, self.ca.crl_url = self.services.ocsp_url, self.services.crl_url
        self.people = [
            pki.issue_person_cert(self.ca, name, not_after=NOW + dt.timedelta(days=2))
            for name in ("Phạm Thị Hương", "Nguyễn Văn Thêm", "Trường THCS Đống Đa")
        ]

    @property
    def roots(self) -> list[Any]:
        return [to_asn1_cert(self.ca.root.cert), to_asn1_cert(self.tsa_root.cert)]

    def signer(self, issued: pki.Issued) -> Pkcs12Signer:
        return Pkcs12Signer(pki.export_pkcs12(issued, self.ca, "x"), "x")

    def sign_all(self) -> bytes:
        vc = build_validation_context(
            self.roots, other_certs=[to_asn1_cert(self.ca.intermediate.cert)], allow_fetching=True
        )
        pdf = sample_pdf(1)
        for issued in self.people:
            pdf = sign_pdf(
                pdf,
                self.signer(issued),
                level="B-LT",
                tsa_url=self.services.tsa_url,
                validation_context=vc,
            )
        return pdf

    def crl_now(self) -> Any:
        """The CA's CRL as published today (what HoSo fetches when it validates)."""
        from asn1crypto import crl

        der = pki.make_crl(self.ca).public_bytes(serialization.Encoding.DER)
        return crl.CertificateList.load(der)

    def validator(self, *, fresh: bool = False) -> PdfValidator:
        return PdfValidator(
            self.roots,
            other_certs=[to_asn1_cert(self.ca.intermediate.cert)],
            fresh_crls=[self.crl_now()] if fresh else [],
        )


@pytest.fixture(scope="module")
def world() -> Any:
    w = ShortLived()
    yield w
    w.services.stop()


@pytest.fixture(scope="module")
def signed(world: Any) -> bytes:
    return world.sign_all()


def test_valid_today_and_tools_agree(world: Any, signed: bytes) -> None:
    report = world.validator().validate(signed)
    assert report.all_valid, [s.verdict for s in report.signatures]
    assert [s.get("Signature Validation") for s in pdfsig_report(signed)] == [
        "Signature is Valid."
    ] * 3
    vc = build_validation_context(
        world.roots, other_certs=[to_asn1_cert(world.ca.intermediate.cert)]
    )
    for sig in PdfFileReader(BytesIO(signed)).embedded_signatures:
        assert validate_pdf_signature(sig, vc).bottom_line


def test_certificates_and_ca_expired_later_still_valid(world: Any, signed: bytes) -> None:
    stock = world.validator().validate(signed, now=LATER)
    assert stock.all_valid, [s.verdict for s in stock.signatures]
    assert {s.signing_time_source for s in stock.signatures} == {"timestamp"}


def test_without_proof_of_existence_expired_is_invalid(world: Any) -> None:
    plain = sign_pdf(sample_pdf(1), world.signer(world.people[0]))
    report = world.validator().validate(plain, now=LATER)
    assert report.all_valid is False
    assert "hết hiệu lực" in report.signatures[0].verdict


def test_revocation_after_signing_keeps_the_signature_valid(world: Any, signed: bytes) -> None:
    world.ca.revoke(world.people[1].serial, NOW + dt.timedelta(hours=1))
    try:
        report = world.validator(fresh=True).validate(signed, now=LATER)
    finally:
        world.ca.revoked.clear()
    assert report.all_valid, [s.verdict for s in report.signatures]


def test_revocation_dated_before_signing_invalidates(world: Any, signed: bytes) -> None:
    world.ca.revoke(world.people[1].serial, NOW - dt.timedelta(hours=1))
    try:
        report = world.validator(fresh=True).validate(signed, now=LATER)
    finally:
        world.ca.revoked.clear()
    verdicts = [s.verdict for s in report.signatures]
    assert report.all_valid is False
    assert verdicts[1].startswith("KHÔNG HỢP LỆ") and "thu hồi" in verdicts[1], verdicts
    assert verdicts[0].startswith("HỢP LỆ") and verdicts[2].startswith("HỢP LỆ"), verdicts


def test_b_lta_and_its_renewal_never_change_the_signed_bytes(world: Any, signed: bytes) -> None:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from hoso.signing.engine.archive import latest_archive_stamp, make_lta, renew_archive_timestamp

    vc = build_validation_context(
        world.roots, other_certs=[to_asn1_cert(world.ca.intermediate.cert)], allow_fetching=True
    )
    tsa = HTTPTimeStamper(world.services.tsa_url)
    lta = make_lta(signed, timestamper=tsa, validation_context=vc)
    assert lta.startswith(signed)
    stamp = latest_archive_stamp(lta)
    assert stamp is not None and stamp.tsa == "HoSo Demo TSA"
    renewed = renew_archive_timestamp(lta, timestamper=tsa, validation_context=vc)
    assert renewed.startswith(lta)
    report = world.validator().validate(renewed, now=LATER)
    kinds = [s.kind for s in report.signatures]
    assert kinds == ["signature"] * 3 + ["doc_timestamp"] * 2
    assert report.all_valid, [s.verdict for s in report.signatures]
    assert report.changed_after_last_signature is False
    sigs = pdfsig_report(renewed)
    assert len(sigs) == 5, sigs
    # poppler judges the three signatures; it does not verify RFC 3161 document time-stamps
    assert [s.get("Signature Validation") for s in sigs[:3]] == ["Signature is Valid."] * 3
    stock = build_validation_context(
        world.roots, other_certs=[to_asn1_cert(world.ca.intermediate.cert)]
    )
    for sig in PdfFileReader(BytesIO(renewed)).embedded_regular_signatures:
        assert validate_pdf_signature(sig, stock).bottom_line
