"""Reading and writing the .xlsx files, defensively: the file may be anything. openpyxl is
imported where a workbook is made or read: a web process loads it for an Excel file, not when it
starts (its memory)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.org.importing.columns import SHEET_TITLES, SHEETS

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150


def template_bytes(kind: str) -> bytes:
    """A template workbook with the Vietnamese headers and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLES[kind][:31]
    columns = SHEETS[kind]
    sheet.append([column.header for column in columns])
    sheet.append([column.example for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[chr(64 + index)].width = max(16, len(column.header) + 4)
        sheet.cell(row=2, column=index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check_container(data: bytes) -> None:
    if not data:
        raise DomainError(_("Tệp rỗng. Hãy chọn tệp Excel (.xlsx) theo mẫu."))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DomainError(_("Tệp không phải Excel .xlsx. Hãy tải mẫu và lưu lại dưới dạng .xlsx."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise DomainError(_("Tệp không phải Excel .xlsx (có thể là Word hoặc tệp nén khác)."))
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
            raise DomainError(_("Tệp Excel bất thường (giải nén quá lớn), không thể nhập."))
        for name in names:
            if name.endswith(".xml") and b"<!DOCTYPE" in archive.read(name)[:2048]:
                raise DomainError(
                    _("Tệp Excel chứa khai báo DOCTYPE không an toàn, không thể nhập.")
                )


def read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(headers, iterator of (excel row number, values)) from the first sheet."""
    from openpyxl import load_workbook

    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on broken files
        raise DomainError(_("Không đọc được tệp Excel (tệp hỏng hoặc sai định dạng).")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise DomainError(_("Tệp Excel không có dữ liệu."))
    headers = [str(value).strip() if value is not None else "" for value in header_row]

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(rows, start=2):
            cells = list(values)
            if any(value not in (None, "") for value in cells):
                yield number, cells
        workbook.close()

    return headers, body()
