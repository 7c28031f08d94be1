"""Vietnamese folding and the one tokenizer every search backend uses.

``fold`` makes "Kế hoạch", "ke hoach", "KẾ HOẠCH" and NFD input compare equal. Unicode has no
decomposition for đ/Đ, so it is mapped by hand. Both backends index and query the tokens made
here, never their own analysers, so they cannot disagree about what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A word is a run of letters/digits; combining marks are kept so NFD input stays one word.
_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_STROKE = str.maketrans({"đ": "d", "Đ": "d"})

#: Longest token kept; longer runs are usually base64 or OCR noise.
MAX_TOKEN_CHARS = 40


@dataclass(frozen=True, slots=True)
class Token:
    """One word: ``exact`` is NFC + casefold (accents kept); ``folded`` has no marks."""

    exact: str
    folded: str

    @property
    def marked(self) -> bool:
        """True when the word carries a tone/vowel mark or đ, i.e. exact differs from folded."""
        return self.exact != self.folded


def fold(text: str) -> str:
    """NFC → casefold → strip tone and vowel marks → đ→d."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_STROKE)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch)
    )
    return unicodedata.normalize("NFC", stripped)


# Vocabulary is small (syllables, names, codes), so a plain dict beats lru_cache here.
_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 500_000


def _fold_word(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        folded = _FOLDED[word] = fold(word)
    return folded


def normalize_exact(text: str) -> str:
    """NFC + casefold, accents kept: the form used for exact-accent matching."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def split_words(text: str) -> list[str]:
    """Words of ``text`` in their exact form (NFC, casefolded, accents kept), in order."""
    return [w for w in _WORD_RE.findall(normalize_exact(text)) if len(w) <= MAX_TOKEN_CHARS]


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into words, each with its exact and folded form, in order."""
    return [Token(w, _fold_word(w)) for w in split_words(text)]


def fold_words(words: list[str]) -> list[str]:
    """Folded form of each exact word (see ``split_words``); the fast path for indexing."""
    get = _FOLDED.get
    return [get(w) or _fold_word(w) for w in words]


def has_marks(text: str) -> bool:
    """True when the text carries any Vietnamese tone/vowel mark or đ."""
    exact = normalize_exact(text)
    return exact != fold(exact)


def marked_words(exact: list[str], folded: list[str]) -> list[str]:
    """The distinct words that carry marks, in first-seen order (for the exact-accent boost)."""
    return list(dict.fromkeys(e for e, f in zip(exact, folded, strict=True) if e != f))
