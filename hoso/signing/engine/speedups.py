"""Two drop-in replacements for pyHanko hot spots found by profiling validation (same
results, measured in bench/bench_signing.py):

- `read_hex_string_from_stream`: pyHanko reads a PDF hex string one byte per Python call;
  a signature's /Contents is 12-30 k hex digits, so ~35 % of validation time went there.
  We read up to the closing '>' in blocks and decode with `binascii`.
- `match_issuer_serial`: pyHanko compares the issuer name (asn1crypto's slow, normalising
  equality for every non-matching certificate) before the serial number; we compare the
  cheap serial number first, and remember the answer per (identifier, certificate) pair.
  The result is the same boolean.

Installed once by `install()` (the engine package calls it on import).
"""

from __future__ import annotations

import binascii
import re
from typing import Any

_HEX = re.compile(rb"[0-9a-fA-F]*")
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_BLOCK = 1 << 16
_installed = False


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


_ORIGINAL_READ_HEX: Any = None
_ORIGINAL_MATCH: Any = None


def install() -> None:
    global _installed, _ORIGINAL_READ_HEX, _ORIGINAL_MATCH
    if _installed:
        return
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import general

    _ORIGINAL_READ_HEX = generic.read_hex_string_from_stream
    _ORIGINAL_MATCH = general.match_issuer_serial
    generic.read_hex_string_from_stream = fast_read_hex_string_from_stream
    general.match_issuer_serial = fast_match_issuer_serial
    _installed = True
