"""Crash-test harness: a HoSo installation in a temp directory, run as REAL processes
(`hoso serve --no-worker` = waitress, `hoso run_huey` = the worker), killed with SIGKILL and
restarted, while clients upload over HTTP."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from tests.ports import port_block

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """The web server is restarted on this port for minutes: outside the ephemeral range."""
    return port_block()


@dataclass
class Installation:
    data_dir: Path
    database_url: str = ""
    port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    kills: dict[str, int] = field(default_factory=lambda: {"web": 0, "worker": 0})

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "DJANGO_"))}
        env.update(
            HOSO_DATA_DIR=str(self.data_dir),
            HOSO_DEMO_MODE="1",
            # The demo around the tests' day (hoso/settings_test.py), so the classes are the same.
            HOSO_DEMO_TODAY=settings.DEMO_TODAY,
            HOSO_RATELIMIT="0",  # 1,000 uploads from one account is the point here
            HOSO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            DJANGO_SETTINGS_MODULE="hoso.settings",
            PYTHONPATH=str(ROOT),
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str, timeout: float = 900) -> str:
        result = subprocess.run(
            [sys.executable, "-m", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args}: {result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def script(self, name: str, *args: str) -> Any:
        return self.script_module("tests.crash.inspect", name, *args)

    def script_module(self, module: str, *args: str) -> Any:
        out = self.run(module, *args)
        return json.loads(out.strip().splitlines()[-1])

    def setup(self) -> None:
        """Migrated, with the demo province. The first installation of a test run builds it and
        keeps a copy (the data directory, and on PostgreSQL a template database); the others
        of the run, in any xdist worker, start from that copy instead of loading it again."""
        with _template_lock() as template:
            if template.ready():
                template.copy_to(self)
            else:
                self.run("hoso.cli", "migrate", "-v0")
                self.run("hoso.cli", "demo")
                template.keep(self)

    def start_web(self) -> None:
        log = open(self.data_dir / "web.log", "ab")  # noqa: SIM115 — lives as long as the process
        self.web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hoso.cli",
                "serve",
                "--no-worker",
                "--port",
                str(self.port),
                "--threads",
                "8",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        self.wait_ready()

    def start_worker(self) -> None:
        log = open(self.data_dir / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "hoso.cli", "run_huey", "--workers", "2", "-k", "thread"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError("web server did not come up")

    def kill(self, which: str) -> None:
        process = self.web if which == "web" else self.worker
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.kills[which] += 1

    def restart(self, which: str) -> None:
        self.kill(which)
        self.start_web() if which == "web" else self.start_worker()

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


@dataclass
class _Template:
    """The run's copy of a set-up installation (see Installation.setup)."""

    directory: Path
    database: str  # the template database's name on PostgreSQL, else ""

    def ready(self) -> bool:
        return (self.directory / "ready").exists()

    def keep(self, site: Installation) -> None:
        shutil.rmtree(self.directory / "data", ignore_errors=True)
        shutil.copytree(site.data_dir, self.directory / "data")
        if self.database:
            admin_sql(f'DROP DATABASE IF EXISTS "{self.database}"')
            admin_sql(f'CREATE DATABASE "{self.database}" TEMPLATE "{_name(site)}"')
        (self.directory / "ready").touch()

    def copy_to(self, site: Installation) -> None:
        shutil.copytree(self.directory / "data", site.data_dir, dirs_exist_ok=True)
        if self.database:
            admin_sql(f'DROP DATABASE IF EXISTS "{_name(site)}" WITH (FORCE)')
            admin_sql(f'CREATE DATABASE "{_name(site)}" TEMPLATE "{self.database}"')


def _name(site: Installation) -> str:
    return site.database_url.rsplit("/", 1)[-1]


@contextmanager
def _template_lock() -> Iterator[_Template]:
    """The run's template, locked while one installation builds or copies it. A run is one
    pytest invocation (its xdist workers share PYTEST_XDIST_TESTRUNUID); copies of earlier
    runs are removed when a run builds its own."""
    from django.db import connection

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"solo{os.getpid()}"
    vendor = connection.vendor
    base = Path(tempfile.gettempdir())
    directory = base / f"hoso-crash-template-{vendor}-{run[:12]}"
    directory.mkdir(exist_ok=True)
    database = f"hoso_crash_tmpl_{run[:12]}" if vendor == "postgresql" else ""
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        template = _Template(directory, database)
        if not template.ready():
            _forget_other_runs(base, template)
        yield template


def _forget_other_runs(base: Path, keep: _Template) -> None:
    same_engine = keep.directory.name.rsplit("-", 1)[0] + "-*"  # hoso-crash-template-<vendor>-*
    for old in base.glob(same_engine):
        if old != keep.directory:
            shutil.rmtree(old, ignore_errors=True)
    if keep.database:
        for (name,) in admin_sql("SELECT datname FROM pg_database"):
            if name.startswith("hoso_crash_tmpl_") and name != keep.database:
                admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post(
    url: str, token: str, body: bytes, content_type: str, timeout: float = 60
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 — our own http:// test server
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": content_type,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:500]


from hoso.ops.tests.pg import admin_sql  # noqa: E402 — re-exported for the crash tests


def own_database() -> tuple[str, Any]:
    """("", no-op) on SQLite (the installation keeps its own file); on PostgreSQL the URL of a
    new empty database and the function that drops it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "", lambda: None
    conf = connection.settings_dict
    name = f"hoso_crash_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    auth = f"{conf['USER']}:{conf['PASSWORD']}@" if conf.get("PASSWORD") else f"{conf['USER']}@"
    url = f"postgres://{auth}{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"

    def cleanup() -> None:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, cleanup
