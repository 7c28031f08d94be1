"""Vietnamese ordering without ICU.

Class lists sort by given name (the last word), then by họ + đệm, in the Vietnamese alphabet
a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z; tones are secondary
(ngang < huyền < hỏi < ngã < sắc < nặng) and case tertiary — ICU's `vi` order, which a
fallback like this one matched on 20,000 random names (shared/research §4).

Keys are strings of ASCII digits with fixed-width codes, so that they sort the same in Python,
SQLite and PostgreSQL whatever the database collation: store them in an indexed column.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_WITH_MARK = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SEPARATOR = "000"
_SPACE = "001"
_UNKNOWN = "900"


def _letter_code(letter: str) -> str:
    if letter == " ":
        return _SPACE
    if letter.isdigit() and letter.isascii():
        return f"0{10 + int(letter)}"
    index = _ALPHABET.find(letter)
    return f"{100 + index}" if index >= 0 else _UNKNOWN


def _split_letters(word: str) -> list[tuple[str, int, int]]:
    """(Vietnamese letter, tone 0-5, upper-case flag) for each letter of `word`."""
    result: list[tuple[str, int, int]] = []
    for char in unicodedata.normalize("NFC", word):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        upper = 1 if base.isupper() else 0
        letter = base.lower()
        tone = 0
        for mark in marks:
            if (letter, mark) in _BASE_WITH_MARK:
                letter = _BASE_WITH_MARK[(letter, mark)]
            elif mark in _TONES:
                tone = _TONES[mark]
        result.append((letter, tone, upper))
    return result


def collation_key(text: str) -> str:
    """A digit string whose plain ordering is the Vietnamese ordering of `text`."""
    letters = _split_letters(" ".join(text.split()))
    primary = "".join(_letter_code(letter) for letter, _, _ in letters)
    secondary = "".join(str(tone) for _, tone, _ in letters)
    tertiary = "".join(str(upper) for _, _, upper in letters)
    return f"{primary}{_SEPARATOR}{secondary}0{tertiary}"


def split_name(full_name: str) -> tuple[str, str]:
    """(họ + đệm, tên) of a Vietnamese full name."""
    parts = unicodedata.normalize("NFC", full_name).split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


def name_sort_key(full_name: str) -> str:
    """Sort key for class lists: given name first, then the rest."""
    rest, given = split_name(full_name)
    return f"{collation_key(given)}{_SEPARATOR}{collation_key(rest)}"


def sorted_by_name(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)
