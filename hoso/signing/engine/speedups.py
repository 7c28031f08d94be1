"""Drop-in replacements for pyHanko hot spots found by profiling validation and batch signing
(same results, measured in bench/bench_signing.py):

- `read_hex_string_from_stream`: pyHanko reads a PDF hex string one byte per Python call;
  a signature's /Contents is 12-30 k hex digits, so ~35 % of validation time went there.
  We read up to the closing '>' in blocks and decode with `binascii`.
- `match_issuer_serial`: pyHanko compares the issuer name (asn1crypto's slow, normalising
  equality for every non-matching certificate) before the serial number; we compare the
  cheap serial number first, and remember the answer per (identifier, certificate) pair.
  The result is the same boolean.
- `_read_until_class` (every PDF name, number and keyword goes through it): pyHanko reads one
  byte per call through a generator; we read a small block, find the stop byte with a regex
  and seek back, leaving the stream exactly where pyHanko would.
- `read_non_whitespace` (called after every token): plain whitespace is skipped with one
  block read and a regex; comments and EOF go to pyHanko's loop.
- `_read_string_literal_bytes` (the document info strings are read for every signature):
  a literal without nested parentheses or backslash escapes is taken in one slice; any
  other goes to pyHanko's reader from the same position.
- `IndirectObject.read_from_stream` (`12 0 R`, read byte by byte): one regex over a short
  block; anything unusual (comments, odd whitespace, object number 0) goes to pyHanko.
- `_decode_name`: names without `#` escapes (nearly all) are decoded in one step; anything else
  goes to pyHanko's own decoder.
- `NameObject.write_to_stream` wrote a name one byte per `write`; the encoding of a name is
  a pure function of its text, so it is computed once (by pyHanko) and then written whole.

Installed once by `install()` as dispatchers: each runs our version only inside `signing()`
(HoSo's own signing path: opening the PDF to sign and `sign.sign_to_stream_async`), and
pyHanko's unmodified function everywhere else — validation of uploaded (possibly hostile) PDFs,
change analysis, pyHanko used directly — in the same process and thread (a context variable, so
concurrent validations are unaffected). The first `signing()` installs them, not the engine's
import: outside `signing()` a dispatcher is pyHanko's own function, and importing the engine
(its errors, its words) must not load pyHanko, which a web process needs only to sign or validate.
"""

from __future__ import annotations

import binascii
import contextvars
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("hoso_speedups", default=False)


@contextmanager
def signing() -> Iterator[None]:
    """Use the speed-ups for the code run inside (HoSo's signing path only)."""
    install()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active() -> bool:
    return _ACTIVE.get()


def _dispatch(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """Our `name` inside `signing()`, else pyHanko's `original`. Looked up at call time."""
    module = sys.modules[__name__]

    def call(*args: Any, **kwargs: Any) -> Any:
        if _ACTIVE.get():
            return getattr(module, name)(*args, **kwargs)
        return original(*args, **kwargs)

    call.__wrapped__ = original  # type: ignore[attr-defined]
    call.__name__ = getattr(original, "__name__", name)
    return call


_HEX = re.compile(rb"[0-9a-fA-F]*")
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_BLOCK = 1 << 16
_installed = False
_INSTALLING = threading.Lock()


def fast_read_hex_string_from_stream(stream: Any) -> Any:
    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.misc import PdfStreamError

    stream.read(1)  # the opening '<'
    start = stream.tell()
    parts: list[bytes] = []
    consumed = 0
    while True:
        block = stream.read(_BLOCK)
        if not block:
            raise PdfStreamError("Stream ended prematurely")
        end = block.find(b">")
        if end >= 0:
            parts.append(block[:end])
            consumed += end
            break
        parts.append(block)
        consumed += len(block)
    stream.seek(start + consumed + 1)
    digits = b"".join(parts).translate(None, _PDF_WHITESPACE)
    if b"%" in digits or not _HEX.fullmatch(digits):
        # comments or junk: let pyHanko's exact (slow) reader decide
        stream.seek(start - 1)
        return _ORIGINAL_READ_HEX(stream)
    if len(digits) % 2:
        digits += b"0"
    return pdf_string(binascii.unhexlify(digits))


_MATCH_CACHE: dict[tuple[bytes, bytes], bool] = {}


def fast_match_issuer_serial(expected_issuer_serial: Any, cert: Any) -> bool:
    if expected_issuer_serial["serial_number"] != cert["tbs_certificate"]["serial_number"]:
        return False
    # A pure function of the two encodings: the same signer's documents repeat the same pair.
    key = (expected_issuer_serial.dump(), cert.dump())
    found = _MATCH_CACHE.get(key)
    if found is None:
        if len(_MATCH_CACHE) > 4096:
            _MATCH_CACHE.clear()
        found = _MATCH_CACHE[key] = bool(_ORIGINAL_MATCH(expected_issuer_serial, cert))
    return found


_CLASS_RE: dict[bytes, re.Pattern[bytes]] = {}
_TOKEN_BLOCK = 64


def fast_read_until_class(
    class_chars: bytes, stream: Any, maxchars: int | None = None
) -> tuple[bytes, bool]:
    """Bytes up to the first byte in `class_chars` (consumed, not returned); True at EOF."""
    pattern = _CLASS_RE.get(class_chars)
    if pattern is None:
        pattern = _CLASS_RE[class_chars] = re.compile(
            b"[" + b"".join(re.escape(bytes((c,))) for c in class_chars) + b"]"
        )
    start = stream.tell()
    left = maxchars or None  # pyHanko treats 0 like None
    parts: list[bytes] = []
    consumed = 0
    while left is None or left > 0:
        block = stream.read(_TOKEN_BLOCK if left is None else min(_TOKEN_BLOCK, left))
        if not block:
            return b"".join(parts), True
        m = pattern.search(block)
        if m is not None:
            parts.append(block[: m.start()])
            stream.seek(start + consumed + m.start() + 1)
            return b"".join(parts), False
        parts.append(block)
        consumed += len(block)
        if left is not None:
            left -= len(block)
    return b"".join(parts), False


# Regular characters of a PDF name other than '#' (PDF 32000 §7.3.5): one-step decoding.
_PLAIN_NAME = re.compile(
    b"["
    + b"".join(re.escape(bytes((c,))) for c in range(0x21, 0x7F) if c not in b"()<>[]{}/%#")
    + b"]*"
)


def fast_decode_name(name_bytes: bytes) -> Any:
    if _PLAIN_NAME.fullmatch(name_bytes):
        from pyhanko.pdf_utils.generic import NameObject

        return NameObject("/" + name_bytes.decode("ascii"))
    return _ORIGINAL_DECODE_NAME(name_bytes)


_NOT_WS = re.compile(rb"[^ \n\r\t\f\x00]")


def fast_read_non_whitespace(stream: Any, seek_back: bool = False, allow_eof: bool = False) -> Any:
    start = stream.tell()
    block = stream.read(16)
    m = _NOT_WS.search(block)
    if m is not None and block[m.start()] != 0x25:  # not a '%' comment
        at = m.start()
        stream.seek(start + at + (0 if seek_back else 1))
        return block[at : at + 1]
    stream.seek(start)
    return _ORIGINAL_READ_NON_WS(stream, seek_back=seek_back, allow_eof=allow_eof)


_LITERAL_STOP = re.compile(rb"[()\\]")


def fast_read_string_literal_bytes(stream: Any) -> bytes:
    start = stream.tell()
    block = stream.read(_BLOCK)
    m = _LITERAL_STOP.search(block, 1)  # block[0] is the opening '('
    if m is not None and block[m.start()] == 0x29:  # ')' before any '(' or '\\'
        stream.seek(start + m.start() + 1)
        return bytes(block[1 : m.start()])
    stream.seek(start)
    return bytes(_ORIGINAL_READ_LITERAL(stream))


_INDIRECT = re.compile(rb"[ \t\n\r\f]*([0-9]+)[ \t\n\r\f]+([0-9]+)[ \t\n\r\f][ \t\n\r\f\x00]*R")


def fast_read_indirect(stream: Any, container_ref: Any) -> Any:
    start = stream.tell()
    m = _INDIRECT.match(stream.read(48))
    if m is None or int(m[1]) == 0:
        stream.seek(start)
        return _ORIGINAL_READ_INDIRECT(stream, container_ref)
    stream.seek(start + m.end())
    from pyhanko.pdf_utils.generic import IndirectObject

    return IndirectObject(int(m[1]), int(m[2]), container_ref.get_pdf_handler())


_NAME_BYTES: dict[str, bytes] = {}


def fast_write_name(self: Any, stream: Any, handler: Any = None, container_ref: Any = None) -> None:
    encoded = _NAME_BYTES.get(self)
    if encoded is None:
        from io import BytesIO

        buf = BytesIO()
        _ORIGINAL_WRITE_NAME(self, buf, handler, container_ref)
        encoded = buf.getvalue()
        if len(_NAME_BYTES) < 8192:
            _NAME_BYTES[str(self)] = encoded
    stream.write(encoded)


_ORIGINAL_READ_HEX: Any = None
_ORIGINAL_MATCH: Any = None
_ORIGINAL_DECODE_NAME: Any = None
_ORIGINAL_WRITE_NAME: Any = None
_ORIGINAL_READ_NON_WS: Any = None
_ORIGINAL_READ_LITERAL: Any = None
_ORIGINAL_READ_INDIRECT: Any = None


_ORIGINAL_READ_UNTIL: Any = None
ORIGINALS: dict[str, Any] = {}


def install() -> None:
    if _installed:
        return
    with _INSTALLING:  # two first signings at once: one wraps pyHanko, never twice
        if not _installed:
            _install()


def _install() -> None:
    global _installed, _ORIGINAL_READ_HEX, _ORIGINAL_MATCH
    global _ORIGINAL_DECODE_NAME, _ORIGINAL_WRITE_NAME, _ORIGINAL_READ_NON_WS
    global _ORIGINAL_READ_LITERAL, _ORIGINAL_READ_INDIRECT, _ORIGINAL_READ_UNTIL
    from pyhanko.pdf_utils import generic, misc
    from pyhanko.sign import general

    _ORIGINAL_READ_HEX = generic.read_hex_string_from_stream
    _ORIGINAL_MATCH = general.match_issuer_serial
    _ORIGINAL_DECODE_NAME = generic._decode_name
    _ORIGINAL_WRITE_NAME = generic.NameObject.write_to_stream
    _ORIGINAL_READ_NON_WS = misc.read_non_whitespace
    _ORIGINAL_READ_LITERAL = generic._read_string_literal_bytes
    _ORIGINAL_READ_INDIRECT = generic.IndirectObject.read_from_stream
    _ORIGINAL_READ_UNTIL = misc._read_until_class
    ORIGINALS.update(
        read_hex=_ORIGINAL_READ_HEX,
        match_issuer_serial=_ORIGINAL_MATCH,
        decode_name=_ORIGINAL_DECODE_NAME,
        write_name=_ORIGINAL_WRITE_NAME,
        read_non_whitespace=_ORIGINAL_READ_NON_WS,
        read_literal=_ORIGINAL_READ_LITERAL,
        read_indirect=_ORIGINAL_READ_INDIRECT,
        read_until_class=_ORIGINAL_READ_UNTIL,
    )
    generic.read_hex_string_from_stream = _dispatch(
        "fast_read_hex_string_from_stream", _ORIGINAL_READ_HEX
    )
    general.match_issuer_serial = _dispatch("fast_match_issuer_serial", _ORIGINAL_MATCH)
    misc._read_until_class = _dispatch("fast_read_until_class", _ORIGINAL_READ_UNTIL)
    non_ws = _dispatch("fast_read_non_whitespace", _ORIGINAL_READ_NON_WS)
    misc.read_non_whitespace = non_ws
    generic.read_non_whitespace = non_ws  # imported by name there
    generic._decode_name = _dispatch("fast_decode_name", _ORIGINAL_DECODE_NAME)
    generic._read_string_literal_bytes = _dispatch(
        "fast_read_string_literal_bytes", _ORIGINAL_READ_LITERAL
    )
    generic.IndirectObject.read_from_stream = staticmethod(  # type: ignore[method-assign]
        _dispatch("fast_read_indirect", _ORIGINAL_READ_INDIRECT)
    )
    generic.NameObject.write_to_stream = _dispatch(  # type: ignore[method-assign]
        "fast_write_name", _ORIGINAL_WRITE_NAME
    )
    _installed = True
