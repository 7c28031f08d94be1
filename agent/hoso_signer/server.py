"""HTTP API on 127.0.0.1: GET /status, GET /certificates, POST /sign.

Only the configured HoSo origin is answered (CORS + Origin check), and the Host header must be
the loopback address, which blocks DNS-rebinding pages.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hoso_signer import __version__
from hoso_signer.token import Token, TokenError

MAX_BODY = 16 * 1024


class SignerAgent:
    """The agent: a token plus an HTTP server bound to 127.0.0.1."""

    def __init__(self, token: Token, allowed_origin: str, port: int = 0) -> None:
        self.token = token
        self.allowed_origin = allowed_origin.rstrip("/")
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
        if self._thread:
            self._thread.join(timeout=5)

    def status(self) -> dict[str, Any]:
        return {"ok": True, "version": __version__, "token": self.token.label}

    def certificates(self) -> dict[str, Any]:
        return {"certificates": [c.as_json() for c in self.token.certificates()]}

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            digest = base64.b64decode(str(body["digest_b64"]), validate=True)
            key_id = str(body["key_id"])
        except (KeyError, binascii.Error) as exc:
            raise TokenError("Yêu cầu ký không hợp lệ.") from exc
        algorithm = str(body.get("algorithm", "sha256")).lower()
        signature = self.token.sign_digest(key_id, digest, algorithm)
        return {"signature_b64": base64.b64encode(signature).decode("ascii")}


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
            if self.path != "/sign":
                self._send(404, {"error": "Không có."})
                return
            length = int(self.headers.get("Content-Length", 0))
            if length > MAX_BODY:
                self._send(413, {"error": "Yêu cầu quá lớn."})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"error": "Yêu cầu ký không hợp lệ."})
                return
            self._run(lambda: agent.sign(body))

        def _run(self, action: Any) -> None:
            try:
                self._send(200, action())
            except TokenError as exc:
                self._send(exc.status, {"error": exc.message})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler
