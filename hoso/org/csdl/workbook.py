"""Reading a CSDL ngành workbook (its layout recognised from the header row) and writing one in
a layout, with the value-list sheets the templates carry (GIOI_TINH …). openpyxl is imported
where a workbook is made or read, not when a web process starts (its memory)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.org.csdl.layouts import Match, detect, layouts
from hoso.org.importing.workbook import _check_container

Row = tuple[int, dict[str, Any]]  # (Excel row number, {field: raw cell value})


def _titles(values: Iterable[Any]) -> list[str]:
    return [str(v).strip() if v is not None else "" for v in values]


def read_layout_rows(data: bytes) -> tuple[Match, list[Row]]:
    """The layout of `data` and its data rows (blank rows skipped), raw cell values by field."""
    from openpyxl import load_workbook

    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on broken files
        raise DomainError(_("Không đọc được tệp Excel (tệp hỏng hoặc sai định dạng).")) from error
    try:
        if not workbook.sheetnames:
            raise DomainError(_("Tệp Excel không có dữ liệu."))
        first = workbook.sheetnames[0]
        wanted = {(first, lay.header_row) for lay in layouts().values()}
        wanted |= {
            (lay.sheet, lay.header_row)
            for lay in layouts().values()
            if lay.sheet in workbook.sheetnames
        }
        headers = {}
        for sheet, row in wanted:
            cells = next(workbook[sheet].iter_rows(min_row=row, max_row=row, values_only=True), ())
            headers[(sheet, row)] = _titles(cells)
        match = detect(headers, first)
        rows: list[Row] = []
        sheet = workbook[match.sheet]
        start = match.layout.header_row + 1
        for number, values in enumerate(sheet.iter_rows(min_row=start, values_only=True), start):
            if not any(value not in (None, "") for value in values):
                continue
            rows.append(
                (
                    number,
                    {
                        column.field: values[index] if index < len(values) else None
                        for index, column in match.positions.items()
                        if column.field
                    },
                )
            )
        return match, rows
    finally:
        workbook.close()


def write_layout(layout_id: str, rows: list[dict[str, str]]) -> bytes:
    """A workbook in the layout: its data sheet (header row, then `rows` as text by field, the
    STT column numbered) and one sheet per value list."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    lay = layouts()[layout_id]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = lay.sheet[:31]
    for _blank in range(lay.header_row - 1):
        sheet.append([])
    sheet.append([column.title for column in lay.columns])
    for cell in sheet[lay.header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number if column.kind == "row_number" else row.get(column.field or "", "")
                for column in lay.columns
            ]
        )
    for row_cells in sheet.iter_rows(min_row=lay.header_row + 1):
        for cell in row_cells[1:]:
            cell.number_format = "@"  # text: keeps leading zeros and dd/mm/yyyy as written
    for name, values in lay.values.items():
        listing = workbook.create_sheet(name[:31])
        listing.append([_("Tên trường dữ liệu")])
        for title in values:
            listing.append([title])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
