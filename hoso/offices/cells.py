"""Excel templates whose cells are collected: which cells (a spec such as "C5:F12; Số liệu!B3"),
reading one unit's figures, and the summed workbook across units.

Only the collected (input) cells are summed; formula cells of the template (ratios, totals)
stay formulas, so Excel recomputes them from the summed counts — never an average of ratios.
openpyxl is imported by the functions that read or make a workbook, not when a web process
starts (its memory)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.xlsx import safe_row

if TYPE_CHECKING:
    from openpyxl import Workbook

MAX_CELLS = 5000
_SPLIT = re.compile(r"[;,\n]+")


def _fail(message: str, field: str = "cells") -> DomainError:
    return DomainError(message, fields={field: [message]})


def open_book(data: bytes, *, values: bool, field: str = "file") -> Workbook:
    """An .xlsx from bytes; a file openpyxl cannot read is a Vietnamese refusal."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), data_only=values)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _fail(_("Tệp Excel không đọc được (hãy lưu lại dạng .xlsx)."), field) from None


def parse_cells(spec: str, book: Workbook) -> list[str]:
    """The collected cells as "Sheet!A1", in the order given; the first sheet when a part
    names none. Refuses unknown sheets, bad ranges and more than MAX_CELLS cells."""
    from openpyxl.utils.cell import range_boundaries

    cells: list[str] = []
    default = book.sheetnames[0]
    for part in (p.strip() for p in _SPLIT.split(spec or "")):
        if not part:
            continue
        sheet, _bang, ref = part.rpartition("!")
        sheet = sheet.strip().strip("'") or default
        if sheet not in book.sheetnames:
            raise _fail(_("Mẫu không có trang tính “%(sheet)s”.") % {"sheet": sheet})
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.strip().upper())
        except (ValueError, TypeError):
            raise _fail(
                _("Vùng ô “%(part)s” không hợp lệ (vd. C5:F12 hoặc Số liệu!B3).") % {"part": part}
            ) from None
        if None in (min_col, min_row, max_col, max_row):
            raise _fail(
                _("Vùng ô “%(part)s” phải ghi rõ ô đầu và ô cuối (vd. C5:F12).") % {"part": part}
            )
        count = (max_col - min_col + 1) * (max_row - min_row + 1)  # type: ignore[operator]
        if len(cells) + count > MAX_CELLS:
            raise _fail(_("Quá nhiều ô cần thu (tối đa %(max)s).") % {"max": MAX_CELLS})
        for row in range(min_row, max_row + 1):  # type: ignore[arg-type,operator]
            for col in range(min_col, max_col + 1):  # type: ignore[arg-type,operator]
                cells.append(f"{sheet}!{_coord(col, row)}")
    if not cells:
        raise _fail(_("Hãy ghi các ô cần thu số liệu (vd. C5:F12)."))
    return list(dict.fromkeys(cells))


def _coord(col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def split(cell: str) -> tuple[str, str]:
    sheet, _, ref = cell.rpartition("!")
    return sheet, ref


def read_figures(data: bytes, cells: list[str]) -> dict[str, float]:
    """The numbers of a unit's filled copy. A blank cell counts 0; text where a number belongs
    is refused, naming up to ten cells."""
    book = open_book(data, values=True)
    figures: dict[str, float] = {}
    wrong: list[str] = []
    for cell in cells:
        sheet, ref = split(cell)
        if sheet not in book.sheetnames:
            raise _fail(
                _("Tệp nộp thiếu trang tính “%(sheet)s” của mẫu.") % {"sheet": sheet}, "file"
            )
        value = book[sheet][ref].value
        number = _number(value)
        if number is None:
            wrong.append(f"{cell} (“{str(value)[:30]}”)")
        else:
            figures[cell] = number
    if wrong:
        shown = ", ".join(wrong[:10])
        if len(wrong) > 10:
            raise _fail(
                _("Các ô sau phải là số: %(cells)s và %(more)s ô khác.")
                % {"cells": shown, "more": len(wrong) - 10},
                "file",
            )
        raise _fail(_("Các ô sau phải là số: %(cells)s.") % {"cells": shown}, "file")
    return figures


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return float(text)
    if re.fullmatch(r"-?\d+[.,]\d+", text) and not ("." in text and "," in text):
        return float(text.replace(",", "."))
    return None


def summed(cells: list[str], units: Iterable[dict[str, float]]) -> dict[str, float]:
    totals = dict.fromkeys(cells, 0.0)
    for figures in units:
        for cell in cells:
            totals[cell] += float(figures.get(cell, 0.0))
    return totals


def empty_book() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def summed_workbook(
    template: bytes,
    cells: list[str],
    rows: list[tuple[str, str, bool, dict[str, float]]],
    missing: list[str],
) -> Workbook:
    """The template with each collected cell replaced by the sum over `rows` (unit name,
    submitted at, late, figures), plus a sheet of every unit's figures and one of the units
    that have not sent theirs."""
    book = open_book(template, values=False, field="template")
    totals = summed(cells, (figures for _, _, _, figures in rows))
    for cell, total in totals.items():
        sheet, ref = split(cell)
        book[sheet][ref].value = int(total) if total.is_integer() else total
    detail = book.create_sheet("Theo đơn vị")
    detail.append(safe_row(["Đơn vị", "Nộp lúc", "Trễ hạn", *cells]))
    for name, at, late, figures in rows:
        detail.append(
            safe_row([name, at, "Trễ hạn" if late else "", *(figures.get(c, 0) for c in cells)])
        )
    detail.append(safe_row(["Cộng", "", "", *(totals[c] for c in cells)]))
    absent = book.create_sheet("Chưa nộp")
    absent.append(safe_row(["Đơn vị chưa nộp"]))
    for name in missing:
        absent.append(safe_row([name]))
    return book
