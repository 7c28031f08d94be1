"""The Excel lists libraries already keep: the template, reading an uploaded list and export.
The import itself (all or nothing, errors by row) is `hoso.library.services.imports`.

One row per title; "Số bản" copies are numbered from the library's next số ĐKCB (or one copy
per barcode listed in "Mã vạch", separated by commas). openpyxl is imported where a workbook is
made or read: a web process loads it for an Excel file, not when it starts (its memory)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.xlsx import safe_row
from hoso.library.models import BibRecord, Copy, ItemKind
from hoso.org.models import Unit

if TYPE_CHECKING:
    from openpyxl import Workbook

# The headers are the file's format, not the page's wording: they stay Vietnamese whatever the
# interface language, so a filled-in template always reads back.
# A title's columns, in the template and (after Số ĐKCB and Mã vạch) in the export.
RECORD_COLUMNS = [
    ("title", "Nhan đề"),
    ("authors", "Tác giả"),
    ("publisher", "Nhà xuất bản"),
    ("pub_place", "Nơi xuất bản"),
    ("pub_year", "Năm xuất bản"),
    ("isbn", "ISBN"),
    ("kind", "Loại"),
    ("subject", "Môn học, chủ đề"),
    ("grade", "Lớp"),
    ("series", "Bộ sách"),
    ("class_number", "Ký hiệu phân loại"),
    ("author_mark", "Ký hiệu tác giả"),
]
COLUMNS = [
    *RECORD_COLUMNS,
    ("count", "Số bản"),
    ("price", "Giá (đồng)"),
    ("location", "Vị trí"),
    ("barcodes", "Mã vạch"),
]
# Other headers libraries use for a column (read, never written).
ALIASES = {"tùng thư": "series", "tùng thư, bộ sách": "series", "tùng thư / bộ sách": "series"}
KIND_BY_LABEL = {str(label).lower(): value for value, label in ItemKind.choices}
MAX_ROWS = 10_000


def template_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh mục sách"
    sheet.append([label for _, label in COLUMNS])
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def clean_kind(raw: str) -> str:
    text = raw.strip()
    if not text:
        return ItemKind.STK
    if text.upper() in ItemKind.values:
        return text.upper()
    found = KIND_BY_LABEL.get(text.lower())
    if found is None:
        raise DomainError(_("loại “%(value)s” không có trong danh mục") % {"value": text[:40]})
    return str(found)


def clean_count(raw: str, label: str, high: int) -> int:
    text = raw.strip().replace(".", "").replace(",", "")
    if not text:
        return 0
    if not text.isdigit() or int(text) > high:
        raise DomainError(
            _("%(label)s “%(value)s” không phải số từ 0 đến %(high)s")
            % {"label": label, "value": raw[:20], "high": high}
        )
    return int(text)


def read_rows(data: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — any reader failure is the file's fault
        raise DomainError(_("Tệp không phải bảng tính Excel (.xlsx) đọc được.")) from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v or "").strip().lower() for v in next(rows, ())]
    keys = {**ALIASES, **{label.lower(): key for key, label in COLUMNS}}
    index = {keys[h]: i for i, h in enumerate(header) if h in keys}
    if "title" not in index:
        raise DomainError(_("Dòng đầu phải có cột “Nhan đề” (tải tệp mẫu để xem các cột)."))
    found: list[dict[str, str]] = []
    for values in rows:
        row = {
            k: str(values[i]).strip() if i < len(values) and values[i] is not None else ""
            for k, i in index.items()
        }
        found.append(row)
        if len(found) > MAX_ROWS:
            raise DomainError(_("Mỗi lần nhập tối đa %(max)s dòng.") % {"max": MAX_ROWS})
    return found


def excel_export(school: Unit) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh mục sách"
    sheet.append(
        [
            "Số ĐKCB",
            "Mã vạch",
            *[label for _, label in RECORD_COLUMNS],
            "Vị trí",
            "Giá (đồng)",
            "Tình trạng",
        ]
    )
    copies = Copy.objects.filter(school=school).select_related("record").order_by("reg_number")
    for copy in copies.iterator(chunk_size=2000):
        r = copy.record
        sheet.append(
            safe_row(
                [
                    copy.reg_number,
                    copy.barcode,
                    *[_cell(r, key) for key, _ in RECORD_COLUMNS],
                    copy.location,
                    copy.price,
                    copy.get_status_display(),
                ]
            )
        )
    return _save(book)


def _cell(record: BibRecord, key: str) -> Any:
    return record.get_kind_display() if key == "kind" else getattr(record, key)
