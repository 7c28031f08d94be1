"""In the browser: the principal signs with a USB token (SoftHSM2) through the local
hoso-signer agent: static JS → agent on 127.0.0.1:17443 (CSP connect-src) → HoSo API.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's principal and the demo's records waiting for the
signature."""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model

from hoso.records.models import RecordVersion
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import Backend, Certificate, SignatureRecord
from hoso.signing.services.certificates import certificate_register
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, approved_record
from tests import softhsm as hsm
from tests.browser.test_signing_flow import unlock_issued_after  # noqa: F401 — a fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "agent"))
pytestmark = pytest.mark.browser
LIB = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"
AGENT_PORT = 17443  # the default HOSO_SIGNER_AGENT_URL, allowed by the CSP


@pytest.fixture(scope="module")
def token_label(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not (hsm.softhsm_available() and shutil.which("pkcs11-tool")):
        pytest.skip("SoftHSM2 / opensc not installed")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", AGENT_PORT)) == 0:
            pytest.skip(f"port {AGENT_PORT} is busy (a real hoso-signer is running?)")
    hsm.init_token("hoso-test", PIN, "12345678")
    return "hoso-test"


@pytest.fixture
def agent(site: str, token_label: str) -> Iterator[Any]:
    principal = get_user_model().objects.get(username="th1.hieutruong")
    yield from _agent_for(site, token_label, principal, key_id="03")


def _agent_for(site: str, token_label: str, user: Any, *, key_id: str) -> Iterator[Any]:
    """A key and certificate for `user` written to the token under `key_id`, the certificate
    registered in HoSo as the user's (external), and the agent serving the token; the
    person's confirmations are kept on `agent.confirmations`."""
    from hoso_signer.batch import TokenAccess
    from hoso_signer.server import SignerAgent

    issued = pki.issue_person_cert(load_ca(conf.pki_dir()), user.first_name)
    with tempfile.TemporaryDirectory() as tmp:
        key, cert = Path(tmp) / "k.der", Path(tmp) / "c.der"
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
            LIB,
            "--token-label",
            token_label,
            "--login",
            "--pin",
            PIN,
            "--id",
            key_id,
            "--label",
            f"browser-{key_id}",
        ]
        hsm.run_util([*base, "--write-object", str(key), "--type", "privkey"])
        hsm.run_util([*base, "--write-object", str(cert), "--type", "cert"])
        hsm.refresh_library()
    Certificate.objects.filter(owner=user).update(status="retired")
    certificate_register(
        actor=user,
        data=issued.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.EXTERNAL,
        key_ref={"key_id": key_id},
    )
    confirmations: list[Any] = []
    server = SignerAgent(
        TokenAccess(LIB, token_label),
        site,
        AGENT_PORT,
        confirm=lambda summary: confirmations.append(summary) or True,
        pin_source=lambda: PIN,
    )
    server.confirmations = confirmations  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


def test_principal_signs_with_usb_token_in_the_browser(
    site: str,
    page_at: Any,
    agent: Any,
    unlock_issued_after: Any,  # noqa: F811
) -> None:
    users = get_user_model().objects
    record = approved_record(
        users.get(username="th1.giaovien1"),
        users.get(username="th1.totruong"),
        CHAIN_REVIEW_SIGN_SEAL,
    )
    page = page_at()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill("th1.hieutruong")
    page.get_by_label("Mật khẩu").fill("hoso-demo-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{site}/ky-so/cho-ky/")
    row = page.locator(f"#ho-so-{record.pk}")
    row.get_by_text("Ký", exact=True).click()
    with page.expect_navigation():
        row.get_by_role("button", name="Ký bằng USB token (HoSo Signer)").click()
    page.wait_for_load_state("networkidle")

    sig = SignatureRecord.objects.get(version__record=record)
    assert sig.backend == "external"
    # The person confirmed this one document on the agent before the key was used.
    assert [(c.count, c.titles[0]) for c in agent.confirmations] == [(1, record.title)]
    assert pdfsig_all_intact(read_blob(RecordVersion.objects.get(record=record).signed_sha256), 1)
    assert errors == [], errors


def test_a_teacher_of_two_subjects_confirms_once_and_both_blocks_are_signed(
    site: str, page_at: Any, token_label: str
) -> None:
    """The score book of a class where one teacher has Toán and Tin học: one click, one
    confirmation and PIN on the agent, two signatures, each in its subject's block."""
    from hoso.books.tests.teachers_world import submitted_book, teachers_world
    from hoso.books.tests.test_score_book_pdf import _pdfsig
    from tests.factories import PASSWORD

    cw = teachers_world("busb")
    teacher = cw["giaovien"]
    record = submitted_book(cw)
    agent = _agent_for(site, token_label, teacher, key_id="04")
    server = next(agent)
    try:
        page = page_at()
        page.goto(f"{site}/tai-khoan/login/")
        page.get_by_label("Tên đăng nhập").fill(teacher.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
        page.goto(f"{site}/ky-so/cho-ky/")
        row = page.locator(f"#ho-so-{record.pk}")
        row.get_by_text("Ký", exact=True).click()
        with page.expect_navigation():
            row.get_by_role("button", name="Ký bằng USB token (HoSo Signer)").click()
        page.wait_for_load_state("networkidle")
    finally:
        next(agent, None)
    rows = SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id")
    assert list(rows.values_list("field_name", flat=True)) == ["GVBM-toan", "GVBM-tin_hoc"]
    assert [(c.count, c.titles) for c in server.confirmations] == [
        (2, (f"{record.title} — Toán", f"{record.title} — Tin học"))
    ]
    signed = read_blob(RecordVersion.objects.get(record=record).signed_sha256)
    # poppler's pdfsig; stock pyHanko checks the same flow in test_subject_teachers_usb.py
    assert _pdfsig(signed) == ["Signature is Valid."] * 2
