"""In the browser: the principal signs several records in one action with a USB token
(SoftHSM2) through the REAL hoso-signer process: one confirmation and one PIN for the batch,
a progress line per document; the agent killed mid-batch and a refused confirmation leave the
remaining documents unchanged and say so in Vietnamese.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's principal with the demo's records waiting for the
signature."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model

from hoso.records.models import RecordVersion
from hoso.records.services.signing import SESSION_TTL, external_sessions_purge
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.documents import read_blob
from hoso.signing.engine import pki
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import Backend, Certificate, ExternalSession, SignatureRecord
from hoso.signing.services.certificates import certificate_register
from hoso.signing.tests.test_usb_batch_api import approved_records
from tests.browser.layout import sign_in
from tests.browser.test_signing_flow import unlock_issued_after  # noqa: F401
from tests.browser.test_signing_usb_token import AGENT_PORT, LIB, PIN, token_label  # noqa: F401

pytestmark = pytest.mark.browser
AGENT_DIR = Path(__file__).resolve().parents[2] / "agent"
KEY_ID = "05"
REFUSED = "Bạn đã từ chối ký trên máy tính có USB token; không tài liệu nào được ký."


@pytest.fixture
def token_cert(token_label: str) -> None:  # noqa: F811
    """th1.hieutruong's key and certificate on the SoftHSM token (id 05), registered as theirs."""
    principal = get_user_model().objects.get(username="th1.hieutruong")
    issued = pki.issue_person_cert(load_ca(conf.pki_dir()), principal.first_name)
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
        tool = ["pkcs11-tool", "--module", LIB, "--token-label", token_label, "--login"]
        tool += ["--pin", PIN, "--id", KEY_ID]
        for kind in ("privkey", "cert"):  # the token outlives a test: one key per id
            subprocess.run([*tool, "--delete-object", "--type", kind], capture_output=True)
        for path, kind in ((key, "privkey"), (cert, "cert")):
            subprocess.run(
                [*tool, "--label", "batch-ht", "--write-object", str(path), "--type", kind],
                check=True,
                capture_output=True,
            )
    Certificate.objects.filter(owner=principal).update(status="retired")
    certificate_register(
        actor=principal,
        data=issued.cert.public_bytes(serialization.Encoding.PEM),
        backend=Backend.EXTERNAL,
        key_ref={"key_id": KEY_ID},
    )


class AgentProcess:
    """`python -m hoso_signer` as a separate process, as a person would run it."""

    def __init__(self, site: str, label: str, *, yes: bool, answer: str = "") -> None:
        cmd = [sys.executable, "-m", "hoso_signer", "--origin", site, "--module", LIB]
        cmd += ["--token-label", label, "--port", str(AGENT_PORT), "--pin-env", "HOSO_TEST_PIN"]
        cmd += ["--yes"] if yes else []
        env = {**os.environ, "PYTHONPATH": str(AGENT_DIR), "HOSO_TEST_PIN": PIN}
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(answer)  # what the person will type at the confirmation prompt
        self.proc.stdin.flush()
        first = self.proc.stdout.readline()
        assert "hoso-signer đang chạy" in first, first

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def output(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
        out, _ = self.proc.communicate(timeout=10)
        return out


@pytest.fixture
def start_agent(
    site: str,
    token_label: str,  # noqa: F811
    token_cert: None,
) -> Iterator[Callable[..., Any]]:
    started: list[AgentProcess] = []

    def start(**kw: Any) -> AgentProcess:
        started.append(AgentProcess(site, token_label, **kw))
        return started[-1]

    yield start
    for agent in started:
        if agent.proc.poll() is None:
            agent.proc.kill()
            agent.proc.wait(timeout=10)


def _records(n: int) -> list[Any]:
    users = get_user_model().objects
    teacher, leader = users.get(username="th1.giaovien1"), users.get(username="th1.totruong")
    return approved_records(teacher, leader, n)


def _batch_page(page_at: Any, site: str, records: list[Any]) -> Any:
    page = page_at()
    sign_in(page, site, "th1.hieutruong")
    page.goto(f"{site}/ky-so/cho-ky/")
    for record in records:
        page.locator(f"#ho-so-{record.pk} input[name=records]").check()
    page.get_by_role("button", name="Ký các hồ sơ đã chọn bằng USB token").click()
    return page


def _statuses(page: Any, records: list[Any]) -> list[str | None]:
    rows = "#usb-batch-progress li[data-record='{}']"
    return [page.locator(rows.format(r.pk)).get_attribute("data-status") for r in records]


def _signed(record: Any) -> bool:
    return bool(RecordVersion.objects.get(record=record).signed_sha256)


def test_batch_with_one_confirmation_and_one_pin(
    site: str,
    page_at: Any,
    start_agent: Any,
    unlock_issued_after: Any,  # noqa: F811
) -> None:
    records = _records(3)
    agent = start_agent(yes=True)
    page = _batch_page(page_at, site, records)
    summary = page.get_by_test_id("usb-batch-summary")
    summary.get_by_text("Xong: đã ký 3/3 hồ sơ.").wait_for(timeout=60_000)
    assert page.locator("#usb-batch-progress progress").get_attribute("value") == "3"
    assert _statuses(page, records) == ["done", "done", "done"]
    for record in records:
        sig = SignatureRecord.objects.get(version__record=record)
        assert sig.backend == "external"
        assert pdfsig_all_intact(read_blob(sig.output_sha256), 1)
    out = agent.output()
    # One confirmation for the whole batch, naming the origin, the count, titles and signer.
    assert out.count("yêu cầu ký") == 1
    assert f"Trang HoSo {site} yêu cầu ký 3 tài liệu" in out
    assert all(r.title in out for r in records)
    principal = get_user_model().objects.get(username="th1.hieutruong")
    signer_line = next(line for line in out.splitlines() if "bằng chứng thư số:" in line)
    assert principal.first_name in signer_line


def test_agent_killed_mid_batch_leaves_the_rest_unchanged(
    site: str,
    page_at: Any,
    start_agent: Any,
    unlock_issued_after: Any,  # noqa: F811
) -> None:
    first, second, third = records = _records(3)
    agent = start_agent(yes=True)
    page = page_at()
    sign_in(page, site, "th1.hieutruong")

    def kill_then_continue(route: Any) -> None:
        agent.kill()  # the person closes HoSo Signer (or pulls the token) during the batch
        route.continue_()

    page.route(f"**/api/v1/records/{second.pk}/sign/prepare/", kill_then_continue)
    page.goto(f"{site}/ky-so/cho-ky/")
    for record in records:
        page.locator(f"#ho-so-{record.pk} input[name=records]").check()
    page.get_by_role("button", name="Ký các hồ sơ đã chọn bằng USB token").click()
    summary = page.get_by_test_id("usb-batch-summary")
    summary.get_by_text("Mất kết nối với HoSo Signer", exact=False).wait_for(timeout=60_000)
    text = summary.inner_text()
    assert "Đã ký 1/3 hồ sơ; 2 hồ sơ còn lại chưa được ký và giữ nguyên." in text
    assert f"«{second.title}»" in text
    assert _statuses(page, records) == ["done", "unchanged", "unchanged"]
    assert [_signed(r) for r in records] == [True, False, False]
    assert SignatureRecord.objects.filter(version__record__in=[second, third]).count() == 0
    assert pdfsig_all_intact(read_blob(RecordVersion.objects.get(record=first).signed_sha256), 1)
    # The second document was prepared but never completed: its session expires, nothing stays.
    left = ExternalSession.objects.get(record=second, completed_at__isnull=True)
    external_sessions_purge(now=left.created_at + SESSION_TTL + dt.timedelta(seconds=1))
    assert not ExternalSession.objects.filter(record__in=[second, third]).exists()


def test_refused_confirmation_signs_nothing(
    site: str,
    page_at: Any,
    start_agent: Any,
    unlock_issued_after: Any,  # noqa: F811
) -> None:
    records = _records(2)
    agent = start_agent(yes=False, answer="khong\n")  # the person answers "không" on the terminal
    page = _batch_page(page_at, site, records)
    summary = page.get_by_test_id("usb-batch-summary")
    summary.get_by_text(REFUSED).wait_for(timeout=60_000)
    assert _statuses(page, records) == ["unchanged", "unchanged"]
    assert [_signed(r) for r in records] == [False, False]
    assert SignatureRecord.objects.filter(version__record__in=records).count() == 0
    assert not ExternalSession.objects.filter(record__in=records).exists()  # nothing prepared
    out = agent.output()
    assert "yêu cầu ký 2 tài liệu" in out and "Gõ «co»" in out  # asked, and the answer was no
