"""Fixtures: one demo PKI with local TSA/OCSP/CRL per session, a SoftHSM2 token on demand."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices, to_asn1_cert
from hoso.signing.engine.signers import Pkcs12Signer
from tests import softhsm as hsm
from tests.softhsm import SOFTHSM_LIB, softhsm_available

PASS = "mật-khẩu-demo"
SCHOOL = "Trường THCS Đống Đa"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: slower signing tests (network TSA, SoftHSM2)")
    config.addinivalue_line("markers", "softhsm: needs SoftHSM2 + opensc (pkcs11-tool)")


@dataclass
class DemoEnv:
    ca: pki.DemoCA
    services: LocalTrustServices
    teacher: pki.Issued
    leader: pki.Issued
    principal: pki.Issued
    seal: pki.Issued
    expired: pki.Issued
    future: pki.Issued
    revoked: pki.Issued

    def p12(self, issued: pki.Issued) -> bytes:
        return pki.export_pkcs12(issued, self.ca, PASS)

    def signer(self, issued: pki.Issued, **kw: object) -> Pkcs12Signer:
        return Pkcs12Signer(self.p12(issued), PASS, **kw)  # type: ignore[arg-type]

    @property
    def roots(self) -> list:
        return [to_asn1_cert(self.ca.root.cert)]

    @property
    def intermediates(self) -> list:
        return [to_asn1_cert(self.ca.intermediate.cert)]


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoEnv]:
    ca = pki.create_demo_ca(tmp_path_factory.mktemp("pki"))
    now = dt.datetime.now(dt.UTC)
    with LocalTrustServices(ca) as services:
        ca.ocsp_url, ca.crl_url = services.ocsp_url, services.crl_url
        revoked = pki.issue_person_cert(ca, "Lê Thị Thu Hủy")
        ca.revoke(revoked.serial, now - dt.timedelta(hours=1))
        yield DemoEnv(
            ca=ca,
            services=services,
            teacher=pki.issue_person_cert(ca, "Phạm Thị Hương", organisation=SCHOOL),
            leader=pki.issue_person_cert(ca, "Đỗ Văn Đức", organisation=SCHOOL),
            principal=pki.issue_person_cert(ca, "Nguyễn Văn Thêm", organisation=SCHOOL),
            seal=pki.issue_seal_cert(ca, SCHOOL, tax_code="0101234567"),
            expired=pki.issue_person_cert(
                ca,
                "Trần Văn Cũ",
                not_before=now - dt.timedelta(days=800),
                not_after=now - dt.timedelta(days=2),
            ),
            future=pki.issue_person_cert(
                ca,
                "Vũ Thị Mới",
                not_before=now + dt.timedelta(days=3),
                not_after=now + dt.timedelta(days=900),
            ),
            revoked=revoked,
        )


@dataclass
class SoftHsmToken:
    lib: str
    label: str
    pin: str
    key_id: bytes
    issued: pki.Issued


@pytest.fixture(scope="session")
def softhsm(env: DemoEnv, tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    if not (softhsm_available() and shutil.which("pkcs11-tool")):
        pytest.skip("SoftHSM2 / opensc not installed")
    tmp = tmp_path_factory.mktemp("softhsm")
    hsm.init_token("hoso-test", "123456", "12345678")
    issued = pki.issue_person_cert(env.ca, "Hoàng Thị Tú Anh", organisation=SCHOOL)
    _import_key_and_cert(tmp, issued)
    hsm.refresh_library()
    return SoftHsmToken(SOFTHSM_LIB, "hoso-test", "123456", b"\x01", issued)


def _import_key_and_cert(tmp: Path, issued: pki.Issued) -> None:
    key = tmp / "key.der"
    key.write_bytes(
        issued.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert = tmp / "cert.der"
    cert.write_bytes(issued.cert.public_bytes(serialization.Encoding.DER))
    base = [
        "pkcs11-tool",
        "--module",
        SOFTHSM_LIB,
        "--token-label",
        "hoso-test",
        "--login",
        "--pin",
        "123456",
        "--id",
        "01",
        "--label",
        "chu-ky",
    ]
    hsm.run_util([*base, "--write-object", str(key), "--type", "privkey"])
    hsm.run_util([*base, "--write-object", str(cert), "--type", "cert"])
    key.unlink()
