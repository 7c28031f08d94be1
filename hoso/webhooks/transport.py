"""Sending one webhook: the address checks (no loopback, private, link-local or reserved
address unless the administrator allows it with HOSO_WEBHOOKS_ALLOW_PRIVATE), the signature,
and a connection to the very address that was checked (a second DNS answer cannot redirect
it: no DNS rebinding). Redirects are not followed."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL may not be called; the message is Vietnamese, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HostUnknown(AddressRefused):
    """The host name does not resolve (now)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query string
    address: str  # the checked IP address to connect to


@dataclass(frozen=True)
class Outcome:
    response_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


def private_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>." followed by the body, hex."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL, else AddressRefused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise AddressRefused(_("Địa chỉ nhận không hợp lệ.")) from exc
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if private_allowed() else ("https",)
    if scheme not in allowed:
        raise AddressRefused(_("Địa chỉ nhận phải bắt đầu bằng https://."))
    if not parts.hostname:
        raise AddressRefused(_("Địa chỉ nhận thiếu tên máy chủ."))
    if parts.username or parts.password:
        raise AddressRefused(_("Địa chỉ nhận không được chứa tên đăng nhập hay mật khẩu."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def _refused(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, each checked; AddressRefused if one is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostUnknown(_("Không tìm thấy máy chủ %(host)s.") % {"host": host}) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not private_allowed():
        for text in addresses:
            if _refused(ipaddress.ip_address(text.split("%")[0])):
                raise AddressRefused(
                    _(
                        "Không gửi tới %(host)s: địa chỉ %(address)s là địa chỉ nội bộ, "
                        "loopback hoặc dành riêng."
                    )
                    % {"host": host, "address": text}
                )
    if not addresses:
        raise HostUnknown(_("Không tìm thấy máy chủ %(host)s.") % {"host": host})
    return addresses


def target_for(url: str) -> Target:
    scheme, host, port, path = check_url(url)
    return Target(scheme, host, port, path, resolve(host, port)[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, the certificate verified for the host name (SNI too)."""

    def __init__(self, target: Target) -> None:
        context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS, context=context)
        self._address = target.address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url` after the checks; never raises for a network failure."""
    started = time.monotonic()
    try:
        target = target_for(url)
    except AddressRefused as refused:
        return Outcome(None, refused.message, 0)
    connection: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target)
        if target.scheme == "https"
        else _PinnedHTTPConnection(target)
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        code, error = response.status, ""
        if not 200 <= code < 300:
            error = _("Máy nhận trả lời mã %(code)s.") % {"code": code}
    except (OSError, http.client.HTTPException) as exc:
        code, error = None, _failure(exc)
    finally:
        connection.close()
    return Outcome(code, error[:500], int((time.monotonic() - started) * 1000))


def _failure(exc: Exception) -> str:
    if isinstance(exc, ssl.SSLError):
        return _("Kết nối TLS không hợp lệ (chứng chỉ của máy nhận không được tin cậy).")
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("Máy nhận không trả lời trong %(seconds)s giây.") % {"seconds": TIMEOUT_SECONDS}
    return _("Không kết nối được tới máy nhận.")
