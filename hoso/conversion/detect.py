"""Find what a file really is from its content; the extension is only a claim to check."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import filetype
from django.utils.translation import gettext as _

from hoso.conversion.errors import UnsafeFileError
from hoso.conversion.kinds import ACCEPTED_HINT, Kind
from hoso.conversion.names import extension_of
from hoso.conversion.xmlguard import has_doctype

_HEAD = 8192
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SMALL_PART_LIMIT = 1024 * 1024
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": Kind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": Kind.XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": Kind.PPTX,
}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": Kind.ODT,
    "application/vnd.oasis.opendocument.spreadsheet": Kind.ODS,
}
_FILETYPE_KINDS = {
    "application/pdf": Kind.PDF,
    "image/jpeg": Kind.JPEG,
    "image/png": Kind.PNG,
    "image/tiff": Kind.TIFF,
}


@dataclass(frozen=True, slots=True)
class Detection:
    """The real kind of a file and whether the name's extension tells the truth."""

    kind: Kind
    extension: str
    extension_matches: bool

    @property
    def mismatch_message(self) -> str | None:
        if self.extension_matches:
            return None
        expected = ", ".join(sorted(self.kind.extensions))
        claimed = (
            _("có đuôi %(extension)s") % {"extension": self.extension}
            if self.extension
            else _("không có đuôi")
        )
        return _(
            "Tệp %(claimed)s nhưng nội dung là %(label)s. Hãy kiểm tra lại đúng tệp cần nộp, hoặc "
            "đổi đuôi tệp thành %(expected)s rồi tải lên lại."
        ) % {"claimed": claimed, "label": self.kind.label, "expected": expected}

    def require_match(self) -> None:
        """Raise UnsafeFileError if the extension does not fit the content."""
        message = self.mismatch_message
        if message is not None:
            raise UnsafeFileError(message, code="file.extension_mismatch")


def detect(path: Path, filename: str) -> Detection:
    """Detect the kind of the file at `path`, comparing it with `filename`'s extension."""
    kind = detect_kind(path)
    ext = extension_of(filename)
    return Detection(kind=kind, extension=ext, extension_matches=ext in kind.extensions)


def detect_kind(path: Path) -> Kind:
    """The accepted kind of the content, or UnsafeFileError for anything else."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    if not head:
        raise UnsafeFileError(
            _("Tệp rỗng (0 byte). Hãy kiểm tra lại tệp trên máy rồi tải lên lại."),
            code="file.empty",
        )
    if head.startswith(_ZIP_MAGIC):
        return _refuse_polyglot(_zip_kind(path), head, path)
    guess = filetype.guess(head)
    kind = _FILETYPE_KINDS.get(guess.mime) if guess else None
    if kind is None:
        raise _unsupported(head, guess.extension if guess else None)
    return _refuse_polyglot(kind, head, path)


def _refuse_polyglot(kind: Kind, head: bytes, path: Path) -> Kind:
    # A file that is two things at once is read differently by different programs.
    pdf_inside = kind is not Kind.PDF and _PDF_MAGIC in head[:1024]
    zip_inside = kind is Kind.PDF and zipfile.is_zipfile(path)
    if pdf_inside or zip_inside:
        raise UnsafeFileError(
            _(
                "Tệp vừa là %(label)s vừa chứa dữ liệu của một loại tệp khác (tệp “hai mặt”), "
                "thường là dấu hiệu tệp bị cài mã độc. HoSo không nhận tệp này; hãy xuất lại tệp "
                "từ phần mềm gốc."
            )
            % {"label": kind.label},
            code="file.polyglot",
        )
    return kind


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return _ooxml_kind(_read_small(archive, "[Content_Types].xml"))
            if "mimetype" in names:
                return _odf_kind(_read_small(archive, "mimetype"))
    except RuntimeError as exc:  # zipfile's way of saying "encrypted entry"
        raise UnsafeFileError(
            _("Tệp Office có phần được đặt mật khẩu. Hãy bỏ mật khẩu, lưu lại rồi tải lên lại."),
            code="office.encrypted",
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise UnsafeFileError(
            _(
                "Tệp nén/Office bị hỏng hoặc không đọc được. Hãy mở tệp bằng Word/Excel, "
                "lưu lại rồi tải lên lại."
            ),
            code="office.corrupt",
        ) from exc
    raise UnsafeFileError(
        _("Tệp là một tệp nén ZIP, không phải tài liệu. %(accepted_hint)s")
        % {"accepted_hint": ACCEPTED_HINT},
        code="file.unsupported",
    )


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        data = part.read(_SMALL_PART_LIMIT + 1)
    if len(data) > _SMALL_PART_LIMIT or has_doctype(data):
        raise UnsafeFileError(
            _(
                "Tệp Office có phần khai báo bất thường (DOCTYPE hoặc kích thước lạ). "
                "Hãy mở tệp bằng Word/Excel, lưu lại rồi tải lên lại."
            ),
            code="office.xml_doctype",
        )
    return data


def _ooxml_kind(content_types: bytes) -> Kind:
    try:
        root = ElementTree.fromstring(content_types)  # noqa: S314 - DOCTYPE refused above
    except ElementTree.ParseError as exc:
        raise UnsafeFileError(
            _(
                "Tệp Office bị hỏng (không đọc được danh mục nội dung). "
                "Hãy mở tệp bằng Word/Excel, lưu lại rồi tải lên lại."
            ),
            code="office.corrupt",
        ) from exc
    types = {el.get("ContentType", "") for el in root.iter(f"{_CT_NS}Override")}
    for content_type, kind in _OOXML_MAIN.items():
        if content_type in types:
            return kind
    if any("macroEnabled" in t for t in types):
        raise UnsafeFileError(
            _(
                "Tệp Office có chứa macro (mã lệnh tự chạy). Hãy lưu lại dưới dạng "
                ".docx/.xlsx/.pptx thông thường (không macro) rồi tải lên lại."
            ),
            code="office.macro",
        )
    raise UnsafeFileError(
        _("Không nhận ra loại tài liệu Office này (có thể là tệp mẫu). %(accepted_hint)s")
        % {"accepted_hint": ACCEPTED_HINT},
        code="file.unsupported",
    )


def _odf_kind(mimetype: bytes) -> Kind:
    kind = _ODF_MIMETYPES.get(mimetype.decode("ascii", "replace").strip())
    if kind is None:
        raise UnsafeFileError(
            _("Loại tài liệu OpenDocument này chưa được hỗ trợ. %(accepted_hint)s")
            % {"accepted_hint": ACCEPTED_HINT},
            code="file.unsupported",
        )
    return kind


def _unsupported(head: bytes, guessed_extension: str | None) -> UnsafeFileError:
    if head.startswith(_OLE_MAGIC):
        return UnsafeFileError(
            _(
                "Tệp là tài liệu Office định dạng cũ (.doc, .xls, .ppt) hoặc tệp Office có đặt "
                "mật khẩu. Hãy mở bằng Word/Excel, bỏ mật khẩu nếu có, lưu lại dưới dạng .docx "
                "hoặc .xlsx rồi tải lên lại."
            ),
            code="file.legacy_office",
        )
    what = (
        _(" (nội dung giống tệp .%(guessed_extension)s)") % {"guessed_extension": guessed_extension}
        if guessed_extension
        else ""
    )
    return UnsafeFileError(
        _("Không nhận được loại tệp này%(what)s. %(accepted_hint)s")
        % {"what": what, "accepted_hint": ACCEPTED_HINT},
        code="file.unsupported",
    )
