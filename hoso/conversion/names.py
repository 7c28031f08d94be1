"""Upload file names: refuse the hostile ones, turn the rest into a safe display name."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from hoso.conversion.errors import UnsafeFileError

MAX_NAME_BYTES = 255
DJANGO_CUT_CHARS = 255  # django.core.files.uploadedfile.UploadedFile._set_name
# Bidi overrides let "hoso\u202efdp.exe" display as "hosoexe.pdf".
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
FALLBACK_NAME = "tep-tai-len"


def check_filename(raw: str) -> str:
    """Return the NFC display name for `raw`, or raise UnsafeFileError if it is hostile."""
    name = unicodedata.normalize("NFC", raw)
    if "\x00" in name:
        raise _bad(_("Tên tệp chứa ký tự rỗng (NUL). Hãy đổi tên tệp rồi tải lên lại."), "name.nul")
    if _has_path_parts(name):
        raise _bad(
            _(
                "Tên tệp “%(printable)s” chứa đường dẫn thư mục (/, \\ hoặc ..). Hãy tải lên "
                "chính tệp, với tên tệp thông thường."
            )
            % {"printable": _printable(name)},
            "name.path",
        )
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in name):
        raise _bad(
            _(
                "Tên tệp chứa ký tự điều khiển hoặc ký tự đảo chiều hiển thị. "
                "Hãy đổi tên tệp chỉ gồm chữ, số và dấu câu thông thường."
            ),
            "name.control",
        )
    size = len(name.encode("utf-8"))
    # Django cuts an uploaded name longer than 255 characters down to exactly 255 before we
    # see it; refusing that length too gives one rule for every alphabet: too long is refused.
    if size > MAX_NAME_BYTES or len(name) >= DJANGO_CUT_CHARS:
        raise _bad(
            _(
                "Tên tệp quá dài (%(count)s ký tự, %(size)s byte; tối đa %(max_chars)s ký tự và "
                "%(max_name_bytes)s byte). Hãy đặt tên ngắn hơn rồi tải lên lại."
            )
            % {
                "count": len(name),
                "size": size,
                "max_chars": DJANGO_CUT_CHARS - 1,
                "max_name_bytes": MAX_NAME_BYTES,
            },
            "name.too_long",
        )
    return safe_display_name(name)


def safe_display_name(raw: str) -> str:
    """A name safe to show and to offer as a download name; keeps Vietnamese letters (NFC)."""
    name = unicodedata.normalize("NFC", raw)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if name.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    name = _truncate_keeping_extension(name, MAX_NAME_BYTES)
    return name or FALLBACK_NAME


def extension_of(name: str) -> str:
    """The lowercase extension with its dot (".pdf"), or "" if the name has none."""
    base = name.rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return "." + base.rsplit(".", 1)[-1].lower()


def _has_path_parts(name: str) -> bool:
    if "/" in name or "\\" in name:
        return True
    return name in {".", ".."} or re.match(r"^[A-Za-z]:", name) is not None


def _truncate_keeping_extension(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    ext = extension_of(name)
    ext = ext if len(ext) <= 16 else ""
    stem = name[: len(name) - len(ext)] if ext else name
    budget = limit - len(ext.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return stem.rstrip(" .") + ext


def _printable(name: str) -> str:
    return safe_display_name(name)[:80]


def _bad(message: str, code: str) -> UnsafeFileError:
    return UnsafeFileError(message, code=code)
