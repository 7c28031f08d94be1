"""`hoso scaled --web 2 --workers 1` as a user starts it: two `hoso serve --no-worker`, one worker,
HAProxy in front, moto as the S3 store, on the CI's PostgreSQL and Redis. Signs in through the
balancer, uploads a record and sees the worker render it; a session and an account lockout
made on one web process hold on the other (real processes this time); a killed web process is
started again while the balancer keeps answering; SIGTERM stops every process it started."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.ports import port_block
from tests.scaled.conftest import redis_url

pytestmark = [pytest.mark.long, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hoso-demo-2025"  # the public demo password
LOCKED_TEXT = "đã bị tạm khóa do nhập sai mật khẩu nhiều lần"


def free_port_block(size: int) -> int:
    """A base port with `size` free ports above it (and its +98/+99 for moto and the PKI)."""
    return port_block([*range(size), 98, 99])


class Scaled:
    def __init__(self, process: subprocess.Popen[str], port: int, logs: Path) -> None:
        self.process = process
        self.port = port
        self.logs = logs
        self.lines: list[str] = []
        self.pids: dict[str, int] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("pids: "):
                self.pids.update({k: int(v) for k, v in (x.split("=") for x in line[6:].split())})
            elif line.startswith("pid "):
                name, pid = line[4:].strip().split("=")
                self.pids[name] = int(pid)

    def wait_for(self, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(re.search(pattern, line) for line in self.lines):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(
            f"no «{pattern}» in:\n" + "\n".join(self.lines[-40:]) + self._log_tails()
        )

    def _log_tails(self) -> str:
        """The last lines each started process wrote: why a web process did not answer."""
        tails = []
        for log in sorted(self.logs.glob("*.log")):
            lines = log.read_text("utf-8", errors="replace").splitlines()[-15:]
            tails.append(f"\n--- {log.name}\n" + "\n".join(lines))
        return "".join(tails)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def scaled(needs_postgres_and_redis: None, tmp_path: Path) -> Iterator[Scaled]:
    if shutil.which("haproxy") is None:
        pytest.skip("needs HAProxy (Debian package haproxy)")
    from django.db import connection

    from hoso.ops.tests.pg import admin_sql

    conf = connection.settings_dict
    name = f"hoso_scaled_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"
    port = free_port_block(4)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "DJANGO_"))}
    env.update(PYTHONPATH=str(ROOT), HOSO_DATA_DIR=str(tmp_path / "own"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hoso.cli",
            "scaled",
            "--web",
            "2",
            "--workers",
            "1",
            "--port",
            str(port),
            "--database-url",
            url,
            "--redis-url",
            redis_url(),
            "--data-dir",
            str(tmp_path / "scaled"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    site = Scaled(process, port, tmp_path / "scaled" / "logs")
    try:
        yield site
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, int, str]:
    session = requests.Session()
    session.get(f"{base}/tai-khoan/login/", timeout=30)
    response = session.post(
        f"{base}/tai-khoan/login/",
        data={
            "login": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{base}/tai-khoan/login/"},
        allow_redirects=False,
        timeout=30,
    )
    return session, response.status_code, response.text


def test_scaled_installation_serves_through_the_balancer_and_stops_cleanly(
    scaled: Scaled,
) -> None:
    from hoso.records.pdfmaker import simple_pdf

    scaled.wait_for(r"đang chạy tại http://127\.0\.0\.1:\d+/", timeout=900)
    web = [scaled.port + 1, scaled.port + 2]

    # Signed in through the balancer, a teacher uploads a plan; the worker renders it.
    teacher, status, _ = sign_in(scaled.base, "th1.giaovien1", PASSWORD)
    assert status == 302
    form = teacher.get(f"{scaled.base}/ho-so/tai-len/", timeout=30).text
    pdf = simple_pdf("Kế hoạch bài dạy thử", ["Môn Toán"], pad_to=200_000)
    upload = teacher.post(
        f"{scaled.base}/ho-so/tai-len/",
        data={
            "record_type": "TT28.KHBD",
            "title": "",
            "period": "W07",
            "csrfmiddlewaretoken": teacher.cookies.get("csrftoken", ""),
        },
        files={"file": ("ke-hoach.pdf", pdf, "application/pdf")},
        headers={"Referer": f"{scaled.base}/ho-so/tai-len/"},
        allow_redirects=False,
        timeout=60,
    )
    assert "TT28.KHBD" in form
    assert upload.status_code == 302, upload.text[:2000]
    record_id = re.search(r"/ho-so/(\d+)/$", upload.headers["Location"]).group(1)  # type: ignore[union-attr]
    deadline, rendition = time.monotonic() + 180, ""
    while time.monotonic() < deadline:
        found = teacher.get(f"{scaled.base}/api/v1/records/{record_id}/", timeout=30).json()
        rendition = str(found)
        if "'rendition_status': 'done'" in rendition:
            break
        time.sleep(1)
    assert "'rendition_status': 'done'" in rendition, rendition[:2000]

    # The session made through the balancer is valid on each web process by itself.
    for port in web:
        page = teacher.get(f"http://127.0.0.1:{port}/ho-so/", allow_redirects=False, timeout=30)
        assert page.status_code == 200, port

    # Five wrong passwords on web process 1 lock the account on web process 2 too.
    for n in range(5):
        sign_in(f"http://127.0.0.1:{web[0]}", "th1.giaovien2", f"sai-{n}")
    _, status, text = sign_in(f"http://127.0.0.1:{web[1]}", "th1.giaovien2", PASSWORD)
    assert status != 302 and LOCKED_TEXT in text

    # A killed web process is started again; meanwhile the balancer answers from the other.
    killed = scaled.pids["web1"]
    os.kill(killed, signal.SIGKILL)
    while _alive(killed):
        time.sleep(0.05)
    for _ in range(10):
        assert requests.get(f"{scaled.base}/healthz", timeout=10).status_code == 200
    scaled.wait_for(r"web1.*khởi động lại", timeout=30)
    deadline = time.monotonic() + 120
    while scaled.pids["web1"] == killed and time.monotonic() < deadline:
        time.sleep(0.5)
    assert scaled.pids["web1"] != killed

    # SIGTERM stops everything it started: no process left behind.
    pids = dict(scaled.pids)
    scaled.process.send_signal(signal.SIGTERM)
    assert scaled.process.wait(timeout=90) == 0
    time.sleep(1)
    left = {name: pid for name, pid in pids.items() if _alive(pid)}
    assert left == {}, left
    assert any("Đã dừng mọi tiến trình" in line for line in scaled.lines)
