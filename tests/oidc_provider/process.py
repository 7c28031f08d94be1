"""Run the stand-in OpenID Connect provider as a process on loopback, and drive it from tests.

`python -m tests.oidc_provider.process DIR` (the child): makes a fresh RS256 key, its database,
binds 127.0.0.1 on a free port, writes the port to DIR/port and serves until killed.
`StandInProvider.start()` (the test side): starts that child and waits for its discovery
document; `setup()` registers HoSo as a client, adds people, or makes the tokens misbehave."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]


class StandInProvider:
    def __init__(self, process: subprocess.Popen[bytes], port: int, key: str, tmp: Any) -> None:
        self.process, self.port, self.key, self._tmp = process, port, key, tmp
        self.base = f"http://127.0.0.1:{port}"
        self.issuer = f"{self.base}/o"

    @classmethod
    def start(cls, timeout: float = 60.0) -> StandInProvider:
        tmp = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        key = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            "OIDC_TEST_DIR": tmp.name,
            "OIDC_TEST_KEY": key,
            "OIDC_TEST_SECRET": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        log = open(Path(tmp.name) / "provider.log", "wb")  # noqa: SIM115 — kept open for the child
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.process", tmp.name],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        port_file = Path(tmp.name) / "port"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(_log(tmp.name))
            if port_file.exists() and port_file.read_text().strip():
                provider = cls(process, int(port_file.read_text()), key, tmp)
                if provider._answers():
                    return provider
            time.sleep(0.2)
        process.kill()
        raise RuntimeError("the stand-in provider did not start:\n" + _log(tmp.name))

    def _answers(self) -> bool:
        try:
            url = f"{self.issuer}/.well-known/openid-configuration"
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def setup(self, **body: Any) -> None:
        answer = requests.post(
            f"{self.base}/test/setup/", json=body, headers={"X-Test-Key": self.key}, timeout=10
        )
        answer.raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._tmp.cleanup()


def _log(directory: str) -> str:
    path = Path(directory) / "provider.log"
    return path.read_text(errors="replace") if path.exists() else ""


def _child(directory: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (directory / "rsa.pem").write_bytes(pem)
    (directory / "people.json").write_text("{}", encoding="utf-8")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    (directory / "port").write_text(str(sock.getsockname()[1]), encoding="ascii")
    serve(get_wsgi_application(), sockets=[sock], threads=4, _quiet=True)


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
