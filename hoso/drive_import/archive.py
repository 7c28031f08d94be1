"""Reading the zip that Google Takeout or OneDrive's "Download" makes, safely: every check that
can be made from the central directory is made before one byte is unpacked (not a zip, an
encrypted entry, a name leaving the folder, a name twice, too many entries, a total or a ratio
no real folder of documents has), and unpacking streams each entry in chunks, never whole."""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError

CHUNK = 1024 * 1024
# Files a Drive export adds that are no documents of the school.
NOISE_NAMES = {"archive_browser.html", "desktop.ini", "thumbs.db", ".ds_store"}
NOISE_DIRS = ("__MACOSX/",)
TAKEOUT_PREFIX = "Takeout/"
TAKEOUT_DRIVE = ("Takeout/Drive/", "Takeout/Google Drive/")


def limits() -> tuple[int, int, int]:
    """(most entries, most bytes unpacked in all, highest ratio of a big entry); settings
    may raise them for a province whose schools keep more."""
    return (
        int(getattr(settings, "DRIVE_IMPORT_MAX_ENTRIES", 20_000)),
        int(getattr(settings, "DRIVE_IMPORT_MAX_UNPACKED_BYTES", 8 * 1024**3)),
        int(getattr(settings, "DRIVE_IMPORT_MAX_RATIO", 100)),
    )


# Only an entry above this size is judged by its ratio: a small text may compress 1000:1.
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    path: str  # as stored in the zip
    shown_path: str  # without the Takeout prefix
    size: int


class ZipRefused(DomainError):
    """The zip as a whole is refused; nothing of it is kept."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _refuse(message: str, code: str) -> ZipRefused:
    return ZipRefused(message, code=code)


def is_traversal(name: str) -> bool:
    """A name that would leave the folder it is unpacked into, or is no plain relative path."""
    name = name.replace("\\", "/")  # old Windows tools write "Tổ 1\\KHBD.pdf"
    if not name or "\x00" in name or name.startswith("/"):
        return True
    if len(name) > 1 and name[1] == ":":
        return True  # "C:/…"
    return ".." in name.split("/") or posixpath.normpath(name).startswith("..")


def source_of(names: list[str]) -> str:
    if any(n.startswith(TAKEOUT_PREFIX) for n in names):
        return "takeout"
    if any(n.startswith("OneDrive") for n in names):
        return "onedrive"
    return "zip"


def shown(name: str) -> str:
    name = name.replace("\\", "/")
    for prefix in TAKEOUT_DRIVE:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name.removeprefix(TAKEOUT_PREFIX)


def is_noise(name: str) -> bool:
    base = name.rsplit("/", 1)[-1].lower()
    return base in NOISE_NAMES or name.startswith(NOISE_DIRS) or base.startswith("._")


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(
            _(
                "Tệp tải lên không phải tệp nén ZIP hoặc đã hỏng. Hãy tải lại bản nén từ Google "
                "Takeout hoặc OneDrive (nút “Tải xuống”) rồi tải lên."
            ),
            "zip.not_zip",
        ) from exc


def checked_entries(archive: zipfile.ZipFile) -> list[Entry]:
    """The files of the zip, after the checks of the central directory; raises ZipRefused."""
    max_entries, max_total, max_ratio = limits()
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise _refuse(
            _("Tệp nén có %(n)s mục, nhiều hơn mức cho phép (%(max)s). Hãy chia nhỏ thư mục.")
            % {"n": len(infos), "max": max_entries},
            "zip.too_many",
        )
    _check_names([info.filename for info in infos])
    total = 0
    entries = []
    for info in infos:
        _check_info(info, max_ratio)
        total += info.file_size
        if info.is_dir() or is_noise(info.filename):
            continue
        entries.append(Entry(info.filename, shown(info.filename), info.file_size))
    if total > max_total:
        raise _refuse(
            _(
                "Tệp nén khi giải nén sẽ chiếm %(size)s GB, quá mức cho phép (%(max)s GB) — có "
                "thể là tệp nén độc hại (zip bomb). HoSo không giải nén tệp này."
            )
            % {"size": _gb(total), "max": _gb(max_total)},
            "zip.too_big",
        )
    if not entries:
        raise _refuse(_("Tệp nén không có tệp nào để nhập."), "zip.empty")
    return entries


def _check_names(names: list[str]) -> None:
    for name in names:
        if is_traversal(name):
            raise _refuse(
                _(
                    "Tệp nén có đường dẫn nguy hiểm (“%(name)s”: ra ngoài thư mục hoặc đường dẫn "
                    "tuyệt đối). HoSo không nhận tệp nén này."
                )
                % {"name": name[:200]},
                "zip.path_traversal",
            )
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen:
            raise _refuse(
                _(
                    "Tệp nén có hai tệp cùng tên “%(name)s” — dấu hiệu tệp nén bị sửa. Hãy tải "
                    "lại bản nén gốc."
                )
                % {"name": name[:200]},
                "zip.duplicate_name",
            )
        seen.add(key)


def _check_info(info: zipfile.ZipInfo, max_ratio: int) -> None:
    if info.flag_bits & 0x1:
        raise _refuse(
            _("Tệp nén có tệp được đặt mật khẩu (“%(name)s”). Hãy tải bản nén không đặt mật khẩu.")
            % {"name": info.filename[:200]},
            "zip.encrypted",
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(
            _("Tệp nén dùng cách nén HoSo không hỗ trợ. Hãy nén lại theo kiểu ZIP thông thường."),
            "zip.method",
        )
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        raise _refuse(
            _(
                "Tệp “%(name)s” trong tệp nén nén đến mức bất thường (%(ratio)s lần) — dấu hiệu "
                "tệp nén độc hại (zip bomb). HoSo không giải nén tệp này."
            )
            % {"name": info.filename[:200], "ratio": info.file_size // max(info.compress_size, 1)},
            "zip.bomb",
        )


def _gb(size: int) -> str:
    return f"{size / 1024**3:.1f}".replace(".", ",")


def read_chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The entry's bytes in chunks. zipfile stops at the size the directory declared and
    checks the CRC at the end, so an entry cannot unpack to more than was checked."""
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
        raise _refuse(
            _("Tệp “%(name)s” trong tệp nén bị hỏng, không đọc được.") % {"name": name[:200]},
            "zip.corrupt_entry",
        ) from exc


def entry_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    for chunk in read_chunks(archive, name):
        digest.update(chunk)
    return digest.hexdigest()


def copy_entry(archive: zipfile.ZipFile, name: str, out: IO[bytes]) -> str:
    """Unpack one entry into `out`; return the SHA-256 of what was written."""
    digest = hashlib.sha256()
    for chunk in read_chunks(archive, name):
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest()
