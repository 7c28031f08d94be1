"""Pure helpers of the catalogue: ISBN (isbnlib), classification schemes, folded search text.
isbnlib is imported by the ISBN helpers, not when a web process starts (its memory)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.search.folding import fold

DATA = Path(__file__).resolve().parent / "data"
# The three series of 2018-programme textbooks schools choose among (the demo titles' data):
# offered as suggestions on the cataloguing form, never required.
TEXTBOOK_SERIES = ("Kết nối tri thức với cuộc sống", "Cánh diều", "Chân trời sáng tạo")


def clean_isbn(raw: str) -> str:
    """The ISBN-13 hyphenated (isbnlib), or "" for an empty value; DomainError if invalid."""
    import isbnlib

    value = (raw or "").strip()
    if not value:
        return ""
    digits = isbnlib.canonical(value)
    if isbnlib.is_isbn10(digits):
        digits = isbnlib.to_isbn13(digits)
    elif not isbnlib.is_isbn13(digits):
        raise DomainError(
            _("ISBN “%(value)s” không hợp lệ (sai số kiểm tra hoặc độ dài).")
            % {"value": value[:40]},
            fields={"isbn": [_("ISBN không hợp lệ.")]},
        )
    return str(isbnlib.mask(digits) or digits)


def isbn_digits(value: str) -> str:
    import isbnlib

    return str(isbnlib.canonical(value or ""))


@cache
def ddc_classes() -> list[tuple[str, str]]:
    data = json.loads((DATA / "ddc-vi.json").read_text(encoding="utf-8"))
    return [(item["number"], item["name_vi"]) for item in data["divisions"]]


@cache
def bbk19_classes() -> list[tuple[str, str]]:
    data = json.loads((DATA / "phan-loai-19-lop.json").read_text(encoding="utf-8"))
    return [(item["symbol"], item["name_vi"]) for item in data["classes"]]


def class_name(scheme: str, number: str) -> str:
    """The name of the class a class number falls in (DDC division, or the 19-class symbol)."""
    number = (number or "").strip()
    if not number:
        return ""
    if scheme == "BBK19":
        best = ""
        name = ""
        for symbol, label in bbk19_classes():
            if number.startswith(symbol) and len(symbol) > len(best):
                best, name = symbol, label
        return name
    division = number[:2] + "0" if len(number) >= 2 and number[:2].isdigit() else ""
    return dict(ddc_classes()).get(division, "")


def search_text(*parts: Any) -> str:
    """Accent-free, lower-case text the OPAC searches (the project's Vietnamese folding)."""
    return fold(" ".join(str(p) for p in parts if p))


def query_words(query: str) -> list[str]:
    return [w for w in fold(query).split() if w][:8]
