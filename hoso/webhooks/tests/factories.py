"""A province with its offices' leaders and clerks (tests.factories.office_world), and a real
HTTP receiver on loopback: http.server in a thread, answering the codes it is told."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.factories import World, office_world


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    codes: list[int] = field(default_factory=list)  # answers in turn; 200 once used up
    received: list[Received] = field(default_factory=list)


@contextmanager
def receiver(codes: list[int] | None = None) -> Iterator[Receiver]:
    state = Receiver(url="", codes=list(codes or []))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            code = state.codes.pop(0) if state.codes else 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook?from=hoso"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (the snippet of docs/webhooks.md)."""
    timestamp = headers["X-HoSo-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest("v1=" + expected, headers["X-HoSo-Signature"])


def webhook_world(prefix: str) -> World:
    """office_world: the school's HT ("hieutruong") and văn thư ("vanthu"), the THCS school's
    HT ("thcs.hieutruong"), the Phòng's trưởng phòng and văn thư, the Sở's giám đốc and văn
    thư, the second Phòng ("phong2") with its school ("school2")."""
    return office_world(prefix)
