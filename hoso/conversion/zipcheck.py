"""Inspect OOXML/ODF packages entry by entry, counting real decompressed bytes."""

from __future__ import annotations

import posixpath
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from hoso.conversion.errors import UnsafeFileError
from hoso.conversion.xmlguard import DoctypeScanner

_CHUNK = 256 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_RATIO_FLOOR = 20 * 1024 * 1024  # Small parts may compress absurdly well; only big ones count.
_NESTED_OK_SUFFIXES = (".xlsx", ".docx", ".pptx", ".xlsm")  # Charts embed a workbook.
_MACRO_DIRS = ("Basic/", "Scripts/")
_RELS_LIMIT = 4 * 1024 * 1024
_HYPERLINK_SUFFIX = "/hyperlink"


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_entries: int
    max_uncompressed_bytes: int
    max_ratio: int


@dataclass
class _Budget:
    remaining: int
    entries: int = 0


def inspect_zip(path: Path, limits: ZipLimits) -> int:
    """Refuse bombs, traversal, macros, DOCTYPEs and external links; return bytes unpacked."""
    budget = _Budget(remaining=limits.max_uncompressed_bytes)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, limits, budget, depth=0)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise _refuse(
            _(
                "Tệp Office bị hỏng hoặc nén theo cách không hỗ trợ. Hãy mở bằng Word/Excel, lưu "
                "lại rồi tải lên lại."
            ),
            "office.corrupt",
        ) from exc
    return limits.max_uncompressed_bytes - budget.remaining


def _check_archive(
    archive: zipfile.ZipFile, limits: ZipLimits, budget: _Budget, depth: int
) -> None:
    infos = archive.infolist()
    budget.entries += len(infos)
    if budget.entries > limits.max_entries:
        raise _bomb(
            _("quá nhiều thành phần (hơn %(max_entries)s)") % {"max_entries": limits.max_entries}
        )
    _check_names([info.filename for info in infos])
    for info in infos:
        _check_entry(archive, info, limits, budget, depth)


def _check_names(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise _refuse(
            _(
                "Tệp Office có hai thành phần trùng tên — dấu hiệu tệp bị sửa để đánh lừa. Hãy "
                "mở bằng Word/Excel, lưu lại rồi tải lên lại."
            ),
            "office.duplicate_entry",
        )
    for name in names:
        if _is_traversal(name):
            raise _refuse(
                _(
                    "Tệp Office chứa đường dẫn nguy hiểm (ra ngoài thư mục, ví dụ “../”). "
                    "HoSo không nhận tệp này."
                ),
                "office.path_traversal",
            )
        if name.endswith("vbaProject.bin") or name.startswith(_MACRO_DIRS):
            raise _refuse(
                _(
                    "Tệp Office có chứa macro (mã lệnh tự chạy). Hãy lưu lại dưới dạng tài liệu "
                    "thông thường (không macro) rồi tải lên lại."
                ),
                "office.macro",
            )


def _is_traversal(name: str) -> bool:
    if "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in posixpath.normpath(name).split("/") or ".." in name.split("/")


def _check_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, budget: _Budget, depth: int
) -> None:
    if info.flag_bits & 0x1:
        raise _refuse(
            _("Tệp Office có phần được đặt mật khẩu. Hãy bỏ mật khẩu, lưu lại rồi tải lên lại."),
            "office.encrypted",
        )
    with archive.open(info) as entry, tempfile.SpooledTemporaryFile(_CHUNK) as copy:
        nested = _drain(entry, info, limits, budget, copy)
        if nested:
            _check_nested(info.filename, copy, limits, budget, depth)
        elif info.filename.endswith(".rels"):
            copy.seek(0)
            _check_relationships(copy.read(_RELS_LIMIT))


def _drain(
    entry: IO[bytes], info: zipfile.ZipInfo, limits: ZipLimits, budget: _Budget, copy: IO[bytes]
) -> bool:
    """Read the entry to the end, within budget; keep a copy only of what we must look into."""
    scanner = DoctypeScanner()
    size = 0
    nested = False
    keep = info.filename.endswith(".rels")
    while chunk := entry.read(_CHUNK):
        if size == 0:
            nested = chunk.startswith(_ZIP_MAGIC)
            keep = keep or nested
        size += len(chunk)
        budget.remaining -= len(chunk)
        if budget.remaining < 0:
            raise _bomb(_("dung lượng sau giải nén quá lớn"))
        if size > _RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
            raise _bomb(_("tỉ lệ nén bất thường"))
        scanner.feed(chunk)
        if keep:
            copy.write(chunk)
    if scanner.found and not nested:
        raise _refuse(
            _(
                "Tệp Office có khai báo DOCTYPE/ENTITY trong nội dung XML — cách thường dùng để "
                "tấn công máy chủ (XXE, “billion laughs”). Hãy mở bằng Word/Excel, lưu lại rồi tải "
                "lên lại."
            ),
            "office.xml_doctype",
        )
    return nested


def _check_nested(
    name: str, copy: IO[bytes], limits: ZipLimits, budget: _Budget, depth: int
) -> None:
    allowed = depth == 0 and "/embeddings/" in name and name.lower().endswith(_NESTED_OK_SUFFIXES)
    if not allowed:
        raise _refuse(
            _(
                "Tệp Office chứa tệp nén lồng bên trong. HoSo không nhận tệp này; hãy lưu lại tài "
                "liệu không kèm tệp nén rồi tải lên lại."
            ),
            "office.nested_zip",
        )
    copy.seek(0)
    with tempfile.TemporaryFile() as inner_file:
        shutil.copyfileobj(copy, inner_file)
        inner_file.seek(0)
        with zipfile.ZipFile(inner_file) as inner:
            _check_archive(inner, limits, budget, depth + 1)


def _check_relationships(data: bytes) -> None:
    """External targets other than hyperlinks make LibreOffice fetch URLs (SSRF)."""
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - DOCTYPE already refused
    except ElementTree.ParseError as exc:
        raise _refuse(
            _(
                "Tệp Office bị hỏng (không đọc được liên kết nội bộ). Hãy mở bằng Word/Excel, lưu "
                "lại rồi tải lên lại."
            ),
            "office.corrupt",
        ) from exc
    for rel in root:
        external = rel.get("TargetMode", "") == "External"
        if external and not rel.get("Type", "").endswith(_HYPERLINK_SUFFIX):
            raise _refuse(
                _(
                    "Tệp Office lấy nội dung từ địa chỉ bên ngoài (ảnh/tệp liên kết qua mạng). "
                    "Hãy chèn trực tiếp nội dung vào tài liệu, lưu lại rồi tải lên lại."
                ),
                "office.external_link",
            )


def _bomb(why: str) -> UnsafeFileError:
    return _refuse(
        _(
            "Tệp Office bất thường: %(why)s — dấu hiệu “bom nén” làm treo máy chủ. Hãy mở bằng "
            "Word/Excel, lưu lại rồi tải lên lại."
        )
        % {"why": why},
        "office.zip_bomb",
    )


def _refuse(message: str, code: str) -> UnsafeFileError:
    return UnsafeFileError(message, code=code)
