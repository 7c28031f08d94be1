"""Spot DOCTYPE/ENTITY declarations in XML bytes, whatever the encoding, chunk by chunk."""

from __future__ import annotations

_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!doctype", "<!ENTITY", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(m) for m in _MARKERS) - 1


class DoctypeScanner:
    """Feed chunks; `found` turns True once a declaration appears (even across chunk edges).

    Any DOCTYPE is refused: OOXML and ODF never need one, and it is how XXE and
    "billion laughs" get in.
    """

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        window = self._tail + chunk
        self.found = any(marker in window for marker in _MARKERS)
        self._tail = window[-_OVERLAP:]


def has_doctype(data: bytes) -> bool:
    scanner = DoctypeScanner()
    scanner.feed(data)
    return scanner.found
