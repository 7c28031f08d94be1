"""Look inside a PDF with qpdf (pikepdf): structure, active content, signatures, text layer."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.utils.translation import gettext as _

from hoso.conversion.errors import UnsafeFileError

_TEXT_OPERATORS = "Tj TJ ' \""
_MAX_WALK_DEPTH = 64
_MAX_FORM_DEPTH = 8
_ACTION_JS = frozenset({"/JavaScript", "/Rendition"})
_ACTION_LAUNCH = frozenset({"/Launch", "/ImportData"})
_ACTION_EMBEDDED = frozenset({"/GoToE"})
_SAFE_OPEN_ACTIONS = frozenset({"/GoTo"})
_SIG_TYPES = frozenset({"/Sig", "/DocTimeStamp"})


@dataclass(frozen=True, slots=True)
class PdfInfo:
    page_count: int
    text_pages: int
    has_signatures: bool
    has_embedded_files: bool

    @property
    def image_only(self) -> bool:
        """No page carries any text: a scan that needs OCR to be searchable."""
        return self.text_pages == 0


@dataclass
class _Findings:
    javascript: bool = False
    launch: bool = False
    auto_action: bool = False
    embedded: bool = False
    xfa: bool = False
    signature: bool = False


def inspect_pdf(path: Path, *, max_pages: int, allow_embedded_files: bool) -> PdfInfo:
    """Refuse (UnsafeFileError) broken, encrypted, scripted or oversized PDFs; describe the rest."""
    with _open_strict(path) as pdf:
        page_count = _checked_page_count(pdf, max_pages)
        findings = _scan_objects(pdf)
        _raise_for_findings(findings, allow_embedded_files)
        if pdf.get_warnings():
            raise _malformed()
        return PdfInfo(
            page_count=page_count,
            text_pages=_count_text_pages(pdf),
            has_signatures=findings.signature or _has_signed_field(pdf),
            has_embedded_files=findings.embedded,
        )


def pdf_has_signatures(data: bytes) -> bool:
    """Whether the PDF carries a signature (filled /Sig field or signature dictionary).

    When qpdf cannot read it, answer from the raw bytes and lean towards "signed": a false
    "yes" only stops a rewrite, a false "no" could destroy a signature.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return _has_signed_field(pdf) or _scan_objects(pdf).signature
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError):
        return b"/ByteRange" in data


def _open_strict(path: Path) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(path, attempt_recovery=False)
    except pikepdf.PasswordError as exc:
        raise UnsafeFileError(
            _(
                "Tệp PDF được đặt mật khẩu mở. Hãy bỏ mật khẩu (in/xuất lại thành PDF không mật "
                "khẩu) "
                "rồi tải lên lại."
            ),
            code="pdf.encrypted",
        ) from exc
    except (pikepdf.PdfError, ValueError, RecursionError) as exc:
        raise _malformed() from exc
    if pdf.is_encrypted:
        pdf.close()
        raise UnsafeFileError(
            _(
                "Tệp PDF bị khóa bằng mật khẩu (hạn chế in/sửa/sao chép), nên HoSo không xử lý và "
                "ký "
                "được. Hãy xuất lại tệp PDF không đặt mật khẩu rồi tải lên lại."
            ),
            code="pdf.encrypted",
        )
    return pdf


def _malformed() -> UnsafeFileError:
    return UnsafeFileError(
        _(
            "Tệp PDF bị hỏng hoặc sai cấu trúc (có thể tải về chưa hết). Hãy mở tệp trên máy, "
            "in hoặc xuất lại thành PDF rồi tải lên lại."
        ),
        code="pdf.malformed",
    )


def _checked_page_count(pdf: pikepdf.Pdf, max_pages: int) -> int:
    try:
        claimed = int(pdf.Root.Pages.get("/Count", 0))
        actual = len(pdf.pages)
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise _malformed() from exc
    if max(claimed, actual) > max_pages:
        raise UnsafeFileError(
            _(
                "Tệp PDF có quá nhiều trang (%(pages)s trang; tối đa %(max_pages)s). Hãy tách "
                "thành các tệp nhỏ hơn rồi tải lên từng tệp."
            )
            % {"pages": _vn_int(max(claimed, actual)), "max_pages": _vn_int(max_pages)},
            code="pdf.too_many_pages",
        )
    if actual == 0 or claimed != actual:
        raise _malformed()
    return actual


def _vn_int(n: int) -> str:
    """12.345: Vietnamese groups thousands with dots."""
    return f"{n:,}".replace(",", ".")


def _scan_objects(pdf: pikepdf.Pdf) -> _Findings:
    findings = _Findings()
    try:
        for obj in pdf.objects:
            for dictionary in _dictionaries(obj, 0):
                _inspect_dictionary(dictionary, findings)
    except (pikepdf.PdfError, RecursionError) as exc:
        raise _malformed() from exc
    return findings


def _dictionaries(obj: pikepdf.Object, depth: int) -> Iterator[pikepdf.Object]:
    """Every dictionary in `obj`, descending into direct children only (indirect ones are
    visited on their own by the caller's loop, so cycles cannot trap us)."""
    if depth > _MAX_WALK_DEPTH:
        raise UnsafeFileError(
            _(
                "Tệp PDF có cấu trúc lồng nhau bất thường. Hãy in hoặc xuất lại thành PDF rồi tải "
                "lên lại."
            ),
            code="pdf.malformed",
        )
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        yield obj
        children = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            yield from _dictionaries(child, depth + 1)


def _inspect_dictionary(d: pikepdf.Object, f: _Findings) -> None:
    keys = set(d.keys())
    action = str(d.get("/S", ""))
    f.javascript |= bool(keys & {"/JS", "/JavaScript"}) or action in _ACTION_JS
    f.launch |= action in _ACTION_LAUNCH
    f.auto_action |= "/AA" in keys or _is_unsafe_open_action(d.get("/OpenAction"))
    f.embedded |= (
        bool(keys & {"/EmbeddedFiles", "/EF"})
        or action in _ACTION_EMBEDDED
        or str(d.get("/Type", "")) == "/EmbeddedFile"
        or str(d.get("/Subtype", "")) in {"/FileAttachment", "/RichMedia"}
    )
    f.xfa |= "/XFA" in keys
    f.signature |= str(d.get("/Type", "")) in _SIG_TYPES and "/ByteRange" in keys


def _is_unsafe_open_action(open_action: pikepdf.Object | None) -> bool:
    # A destination array just opens a page; an action dictionary other than GoTo runs something.
    if not isinstance(open_action, pikepdf.Dictionary):
        return False
    return str(open_action.get("/S", "")) not in _SAFE_OPEN_ACTIONS


def _raise_for_findings(f: _Findings, allow_embedded_files: bool) -> None:
    if f.javascript or f.xfa:
        raise _active(_("mã JavaScript hoặc biểu mẫu động (XFA)"), "pdf.javascript")
    if f.launch:
        raise _active(_("lệnh mở/chạy chương trình khác (Launch)"), "pdf.launch")
    if f.auto_action:
        raise _active(
            _("hành động tự chạy khi mở tệp hoặc trang (OpenAction/AA)"), "pdf.auto_action"
        )
    if f.embedded and not allow_embedded_files:
        raise UnsafeFileError(
            _(
                "Tệp PDF có đính kèm tệp khác bên trong. Hồ sơ không nhận tệp đính kèm ẩn; hãy "
                "xuất "
                "lại PDF không kèm tệp, và tải các tệp kia lên riêng nếu cần."
            ),
            code="pdf.embedded_file",
        )


def _active(what: str, code: str) -> UnsafeFileError:
    return UnsafeFileError(
        _(
            "Tệp PDF có chứa %(what)s, có thể gây hại cho máy người xem. Hãy in hoặc xuất lại "
            "thành PDF thông thường rồi tải lên lại."
        )
        % {"what": what},
        code=code,
    )


def _has_signed_field(pdf: pikepdf.Pdf) -> bool:
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return False
    fields = acroform.get("/Fields")
    stack = list(fields) if isinstance(fields, pikepdf.Array) else []
    seen: set[tuple[int, int]] = set()
    while stack:
        field = stack.pop()
        if not isinstance(field, pikepdf.Dictionary) or _seen_before(field, seen):
            continue
        if str(field.get("/FT", "")) == "/Sig" and "/V" in field:
            return True
        kids = field.get("/Kids")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [])
    return False


def _seen_before(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    if not obj.is_indirect:
        return False
    key = obj.objgen
    if key in seen:
        return True
    seen.add(key)
    return False


def _count_text_pages(pdf: pikepdf.Pdf) -> int:
    try:
        return sum(1 for page in pdf.pages if _has_text(page.obj, 0))
    except (pikepdf.PdfError, RecursionError) as exc:
        raise _malformed() from exc


def _has_text(container: pikepdf.Object, depth: int) -> bool:
    """Text-showing operators in the page, or in the forms it draws (OCR layers included)."""
    if depth > _MAX_FORM_DEPTH:
        return False
    if pikepdf.parse_content_stream(container, _TEXT_OPERATORS):
        return True
    resources = container.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return False
    return any(
        isinstance(x, pikepdf.Stream)
        and str(x.get("/Subtype", "")) == "/Form"
        and _has_text(x, depth + 1)
        for x in xobjects.values()
    )
