"""One cleaning rule for text people type that others will read: titles, names, reasons.

Stored in NFC (a name typed on a Mac arrives in NFD and must match the same name typed on
Windows), without the bidirectional override and isolate characters U+202A–U+202E and
U+2066–U+2069 (they make "hồ sơ‮fdp.exe" display as "hồ sơexe.pdf"), without control
characters (NUL and the like; PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEEP_IN_MULTILINE = frozenset("\n\t")
_NEWLINES = re.compile(r"\r\n?")


def _drop(char: str, multiline: bool) -> bool:
    if char in BIDI_CONTROLS:
        return True
    if multiline and char in _KEEP_IN_MULTILINE:
        return False
    return unicodedata.category(char) == "Cc"


def clean_line(value: object) -> str:
    """A one-line text (title, name): NFC, no bidi overrides or controls, spaces collapsed."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(
        " " if c in "\r\n\t" else c for c in text if c in "\r\n\t" or not _drop(c, False)
    )
    return " ".join(text.split())


def clean_multiline(value: object) -> str:
    """A text that may keep its line breaks (a comment, a reason): NFC, no bidi overrides or
    controls other than newline and tab, outer whitespace stripped."""
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFC", str(value or "")))
    return "".join(c for c in text if not _drop(c, True)).strip()
