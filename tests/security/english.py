"""English on a Vietnamese page: the text a person sees, and what in it is not Vietnamese
(tests/security/test_vietnamese_pages.py).

A word is a run of letters. One written with Vietnamese letters (ă â đ ê ô ơ ư or a tone mark)
is Vietnamese. One of plain ASCII letters is English unless it is a well-formed Vietnamese
syllable written without marks ("thong tin", "Nguyen", "Phong") — and a few short English words
have that shape ("the", "not"): those count as English whatever their shape. A word touching a
digit, a dot, @, _, / or \\ is skipped: user names, e-mail addresses, file names and codes
("th1.giaovien1", "ke-hoach.pdf", "TT28") are data, not the interface's language; Roman
numerals (học kỳ II, Phụ lục III) are numbers; web addresses are skipped whole."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Vietnamese syllable structure, marks removed (ă â → a, ê → e, ô ơ → o, ư → u, đ → d):
# an optional initial consonant, a vowel nucleus with its glides, an optional final consonant.
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "oai|oay|oao|oeo|uay|uoi|uou|uya|uye|uyu|ieu|yeu|"  # three vowels
    "ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|"  # two
    "a|e|i|o|u|y"
)
_FINALS = "ng|nh|ch|c|m|n|p|t"
SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")

# English words shaped like unaccented Vietnamese syllables. Left out because our pages use them
# as Vietnamese: "in" (in = print), "an" (An Phú, an toàn, the name An), "do" (lý do), "so" (so
# với), "tin" (thông tin), "ban" (ban hành), "hay", "my" and "me" (the name My, Khơ-me).
ENGLISH_LOOKALIKES = frozenset(
    "the then that thing to not no on at be he it up go hi by true via top hot bit ten men".split()
)

_WORD = re.compile(r"[^\W\d_]+")
_TOUCHING = frozenset("0123456789._@/\\")
_ROMAN = re.compile(r"[IVXL]+")
_WEB_ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*", re.I)


def is_vietnamese_syllable(word: str) -> bool:
    return SYLLABLE.fullmatch(word.lower()) is not None


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words of `text`, in order, except those in `allowed` (as written; an entry
    of several words is allowed as that phrase only)."""
    text = _WEB_ADDRESS.sub(" ", text)
    for phrase in (entry for entry in allowed if " " in entry):
        text = text.replace(phrase, " ")
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < 2 or not word.isascii() or word in allowed or _ROMAN.fullmatch(word):
            continue
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before in _TOUCHING or after in _TOUCHING:
            continue
        if word.lower() in ENGLISH_LOOKALIKES or not is_vietnamese_syllable(word):
            found.append(word)
    return found


# Technical things that must never reach a person (issue 16): an ISO timestamp, an audit action
# code, a program's identifier, a period code shown alone, a project document, Django's name.
RAW = {
    "ISO time": re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    # (a domain name such as moet.gov.vn is not one)
    "audit code": re.compile(
        r"(?<![\w.@/-])(?![a-z.]*\.(?:vn|com|net|org|edu|gov|info)\b)"
        r"[a-z]+(?:_[a-z]+)*(?:\.[a-z]+(?:_[a-z]+)*){2,}\b"
    ),
    "identifier": re.compile(r"(?<![\w.@/-])[A-Za-z]+(?:_[A-Za-z]+)+(?![\w@/-]|\.\w)"),
    "period code": re.compile(r"^(?:W\d{1,2}|HK[12]|NAM)$"),
    "project document": re.compile(r"\b[A-Z][A-Za-z_]*\.md\b"),
    "Django": re.compile(r"\bDjango\b"),
}


def raw_things(text: str) -> list[str]:
    """What of RAW `text` shows, as "kind 'match'"."""
    text = text.strip()
    return [
        f"{what} {found.group()!r}"
        for what, pattern in RAW.items()
        if (found := pattern.search(text)) is not None
    ]


# Attributes a person reads, or hears from a screen reader; and the words of a button input.
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = ("button", "submit", "reset")
# Not text a person reads: scripts, styles, inert templates. <code>, <kbd> and <samp> hold
# literal machine text (a command, a header to type, a key's label) that must stay as it is to
# work, so it is not the interface's language either: those are skipped too, and no page may
# use them for prose.
UNREAD = frozenset({"script", "style", "template", "code", "kbd", "samp"})


class SeenText(HTMLParser):
    """The pieces of text a person sees (text nodes and the attributes above), in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._unread: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.pieces.extend(values[name] for name in SEEN_ATTRIBUTES if values.get(name))
        kind = values.get("type", "").lower()
        if tag == "input" and kind in BUTTON_INPUTS and values.get("value"):
            self.pieces.append(values["value"])
        if tag in UNREAD:
            self._unread.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in UNREAD:
            self._unread.pop()  # <code/>: nothing inside

    def handle_endtag(self, tag: str) -> None:
        if tag in self._unread:
            while self._unread and self._unread.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._unread and data.strip():
            self.pieces.append(data)


def seen_text(html: str) -> list[str]:
    parser = SeenText()
    parser.feed(html)
    parser.close()
    return parser.pieces
