"""Highlighting: the words of a text that the query matched, wrapped in ``<mark>``.

Plain Python (no Django). The text is HTML-escaped first, word by word, and only then are
matches wrapped, so a title such as ``<b>Kế hoạch</b>`` can never inject markup. Matching
uses the same folding and the same rules as the index: accent-insensitive words, prefixes
(``nghi*``) and one typo in words of ``FUZZY_MIN_CHARS`` letters or more.
"""

from __future__ import annotations

import html
import re
import unicodedata

from hoso.search.engine import parse_query
from hoso.search.folding import MAX_TOKEN_CHARS, fold

_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


class Matcher:
    """Which words of a text the query ``text`` matches (accent-insensitively)."""

    def __init__(self, text: str) -> None:
        parsed = parse_query(text)
        self.words: set[str] = set()
        self.prefixes: list[str] = []
        self.fuzzy: list[str] = []
        for clause in parsed.clauses:
            for token in clause.tokens:
                self.words.add(token.folded)
            if clause.prefix:
                self.prefixes.append(clause.tokens[0].folded)
            elif clause.fuzzy:
                self.fuzzy.append(clause.tokens[0].folded)

    def __bool__(self) -> bool:
        return bool(self.words)

    def matches(self, word: str) -> bool:
        if len(word) > MAX_TOKEN_CHARS:
            return False
        folded = fold(word)
        return (
            folded in self.words
            or any(folded.startswith(p) for p in self.prefixes)
            or any(within_one_edit(folded, w) for w in self.fuzzy)
        )

    def first_match(self, text: str) -> int | None:
        """Offset of the first matched word of ``text``, or None."""
        for m in _WORD_RE.finditer(text):
            if self.matches(m.group()):
                return m.start()
        return None


def highlight(text: str, matcher: Matcher) -> str:
    """``text`` as HTML: escaped, each matched word inside ``<mark>``."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    end = 0
    for m in _WORD_RE.finditer(text):
        out.append(html.escape(text[end : m.start()]))
        word = html.escape(m.group())
        out.append(f"<mark>{word}</mark>" if matcher.matches(m.group()) else word)
        end = m.end()
    out.append(html.escape(text[end:]))
    return "".join(out)


def snippet(text: str, matcher: Matcher, width: int = 160) -> str:
    """About ``width`` characters of ``text`` around its first match (plain text, "…" where
    cut); empty when nothing matches."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    at = matcher.first_match(text)
    if at is None:
        return ""
    start = max(0, at - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    stop = min(len(text), start + width)
    if stop < len(text):
        space = text.rfind(" ", at, stop)
        stop = space if space > at else stop
    return ("…" if start else "") + text[start:stop] + ("…" if stop < len(text) else "")


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of at most 1 (as the index's typo tolerance)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one replaced letter
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]
