"""HTTP API on 127.0.0.1: GET /status, GET /certificates, POST /batch (confirm + PIN, opens
the batch), POST /sign (one digest of the open batch), POST /batch/close.

Only the configured HoSo origin is answered (CORS + Origin check), and the Host header must be
the loopback address, which blocks DNS-rebinding pages.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hoso_signer import __version__
from hoso_signer.batch import BatchSessions, Confirm, PinSource, TokenAccess
from hoso_signer.token import TokenError

MAX_BODY = 512 * 1024  # a batch of 500 titles


class SignerAgent:
    """The agent: access to the token, the open batch, an HTTP server bound to 127.0.0.1."""

    def __init__(
        self,
        access: TokenAccess,
        allowed_origin: str,
        port: int = 0,
        *,
        confirm: Confirm,
        pin_source: PinSource,
        idle_seconds: float = 300.0,
    ) -> None:
        self.access = access
        self.allowed_origin = allowed_origin.rstrip("/")
        self.batches = BatchSessions(
            access, self.allowed_origin, confirm, pin_source, idle_seconds=idle_seconds
        )
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SignerAgent:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.batches.close_current()
        if self._thread:
            self._thread.join(timeout=5)

    def status(self) -> dict[str, Any]:
        token = self.access.open(None)
        try:
            return {"ok": True, "version": __version__, "token": token.label}
        finally:
            token.close()

    def certificates(self) -> dict[str, Any]:
        token = self.access.open(None)
        try:
            return {"certificates": [c.as_json() for c in token.certificates()]}
        finally:
            token.close()


def _make_handler(agent: SignerAgent) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = f"hoso-signer/{__version__}"

        def _origin_ok(self) -> bool:
            host = self.headers.get("Host", "")
            if host not in (f"127.0.0.1:{agent.port}", f"localhost:{agent.port}"):
                return False
            return self.headers.get("Origin", "").rstrip("/") == agent.allowed_origin

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            if self._origin_ok():
                self.send_header("Access-Control-Allow-Origin", agent.allowed_origin)
                self.send_header("Vary", "Origin")
            self.end_headers()
            self.wfile.write(data)

        def _guard(self) -> bool:
            if not self._origin_ok():
                self._send(403, {"error": "Nguồn yêu cầu không được phép."})
                return False
            return True

        def do_OPTIONS(self) -> None:  # noqa: N802
            if not self._origin_ok():
                self.send_response(403)
                self.end_headers()
                return
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", agent.allowed_origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Vary", "Origin")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            if not self._guard():
                return
            routes = {"/status": agent.status, "/certificates": agent.certificates}
            route = routes.get(self.path)
            if route is None:
                self._send(404, {"error": "Không có."})
                return
            self._run(route)

        def do_POST(self) -> None:  # noqa: N802
            if not self._guard():
                return
            routes = {
                "/batch": agent.batches.open,
                "/sign": agent.batches.sign,
                "/batch/close": agent.batches.close,
            }
            route = routes.get(self.path)
            if route is None:
                self._send(404, {"error": "Không có."})
                return
            length = int(self.headers.get("Content-Length", 0))
            if length > MAX_BODY:
                self._send(413, {"error": "Yêu cầu quá lớn."})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(body, dict):
                    raise ValueError(body)
            except ValueError:
                self._send(400, {"error": "Yêu cầu ký không hợp lệ."})
                return
            self._run(lambda: route(body))

        def _run(self, action: Any) -> None:
            try:
                self._send(200, action())
            except TokenError as exc:
                self._send(exc.status, {"error": exc.message})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler
