"""Signing batches: one confirmation and one PIN entry for N documents.

The browser opens a batch (titles of the documents, the key to use); the agent shows the person
what is about to be signed — the HoSo origin, how many documents, their titles, the signer's
certificate — and asks them to confirm, then asks for the PIN and logs in to the token. The
PKCS#11 session stays open for that batch only: it signs at most N digests, and is closed
after the N-th, on request, after `idle_seconds` without a signature, or when a newer batch
is opened. A refusal or a wrong PIN signs nothing.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hoso_signer.token import Token, TokenError

MAX_DOCUMENTS = 500
MAX_TITLE = 200
REFUSED = "Bạn đã từ chối ký trên máy tính có USB token; không tài liệu nào được ký."


@dataclass(frozen=True)
class BatchSummary:
    """What the person is asked to confirm."""

    origin: str
    titles: tuple[str, ...]
    signer: str
    key_id: str
    token: str

    @property
    def count(self) -> int:
        return len(self.titles)

    def text(self) -> str:
        lines = [
            f"Trang HoSo {self.origin} yêu cầu ký {self.count} tài liệu",
            f"bằng chứng thư số: {self.signer}",
            f"(thiết bị: {self.token}, mã khóa {self.key_id}):",
        ]
        lines += [f"  {n}. {title}" for n, title in enumerate(self.titles, start=1)]
        return "\n".join(lines)


Confirm = Callable[[BatchSummary], bool]
PinSource = Callable[[], str]


@dataclass
class TokenAccess:
    """Where the token is: the PKCS#11 library and, optionally, the token's label."""

    lib_path: str
    token_label: str | None = None

    def open(self, pin: str | None) -> Token:
        return Token(self.lib_path, pin, self.token_label)


@dataclass
class _Batch:
    id: str
    token: Token
    key_id: str
    remaining: int
    timer: threading.Timer | None = None


def _titles(body: dict[str, Any]) -> tuple[str, ...]:
    docs = body.get("documents")
    if not isinstance(docs, list) or not docs:
        raise TokenError("Yêu cầu ký không có tài liệu nào.")
    if len(docs) > MAX_DOCUMENTS:
        raise TokenError(f"Mỗi lô ký tối đa {MAX_DOCUMENTS} tài liệu.")
    titles = []
    for doc in docs:
        title = doc.get("title") if isinstance(doc, dict) else None
        if not isinstance(title, str) or not title.strip():
            raise TokenError("Mỗi tài liệu cần có tiêu đề.")
        titles.append(" ".join(title.split())[:MAX_TITLE])
    return tuple(titles)


class BatchSessions:
    """The open batch (at most one: the agent serves one person at one computer)."""

    def __init__(
        self,
        access: TokenAccess,
        origin: str,
        confirm: Confirm,
        pin_source: PinSource,
        idle_seconds: float = 300.0,
    ) -> None:
        self.access = access
        self.origin = origin
        self.confirm = confirm
        self.pin_source = pin_source
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._prompt = threading.Lock()  # one question on the terminal at a time
        self._batch: _Batch | None = None

    def open(self, body: dict[str, Any]) -> dict[str, Any]:
        titles = _titles(body)
        key_id = str(body.get("key_id") or "")
        with self._prompt:
            public = self.access.open(None)
            try:
                cert = public.certificate(key_id) if key_id else _only(public)
            finally:
                public.close()
            summary = BatchSummary(self.origin, titles, cert.subject, cert.key_id, public.label)
            if not self.confirm(summary):
                raise TokenError(REFUSED, 403)
            self.close_current()  # a newer batch replaces an abandoned one (closed tab)
            token = self.access.open(self.pin_source())
        batch = _Batch(secrets.token_urlsafe(18), token, cert.key_id, summary.count)
        with self._lock:
            self._batch = batch
            self._arm(batch)
        return {"batch": batch.id, "count": batch.remaining, "key_id": batch.key_id}

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            digest = base64.b64decode(str(body["digest_b64"]), validate=True)
            batch_id = str(body["batch"])
        except (KeyError, binascii.Error) as exc:
            raise TokenError("Yêu cầu ký không hợp lệ.") from exc
        algorithm = str(body.get("algorithm", "sha256")).lower()
        with self._lock:
            batch = self._batch
            if batch is None or not secrets.compare_digest(batch.id, batch_id):
                raise TokenError("Lô ký đã kết thúc hoặc hết hạn; hãy bấm ký lại.", 409)
            batch.remaining -= 1  # counted before signing: never more than confirmed
            try:
                signature = batch.token.sign_digest(batch.key_id, digest, algorithm)
            finally:
                if batch.remaining <= 0:
                    self._close(batch)
                else:
                    self._arm(batch)
        return {
            "signature_b64": base64.b64encode(signature).decode("ascii"),
            "remaining": max(batch.remaining, 0),
        }

    def close(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch = self._batch
            if batch is not None and secrets.compare_digest(batch.id, str(body.get("batch", ""))):
                self._close(batch)
        return {"closed": True}

    def close_current(self) -> None:
        with self._lock:
            if self._batch is not None:
                self._close(self._batch)

    @property
    def is_open(self) -> bool:
        return self._batch is not None

    def _arm(self, batch: _Batch) -> None:
        if batch.timer is not None:
            batch.timer.cancel()
        batch.timer = threading.Timer(self.idle_seconds, self._expire, args=(batch,))
        batch.timer.daemon = True
        batch.timer.start()

    def _expire(self, batch: _Batch) -> None:
        with self._lock:
            if self._batch is batch:
                self._close(batch)

    def _close(self, batch: _Batch) -> None:
        """Log out: the PKCS#11 session of this batch ends here. Caller holds the lock."""
        if batch.timer is not None:
            batch.timer.cancel()
        if self._batch is batch:
            self._batch = None
        batch.token.close()


def _only(public: Token) -> Any:
    certs = public.certificates()
    if not certs:
        raise TokenError("USB token không có chứng thư số.", 404)
    return certs[0]
