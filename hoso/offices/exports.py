"""Excel exports of the offices' tables (every value through core.xlsx.safe_row). openpyxl is
imported where a workbook is made, not when a web process starts (its memory)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone

from hoso.core.xlsx import safe_row

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _vn(when: Any) -> str:
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""


def directive_workbook(directive: Any, rows: list[Any]) -> Workbook:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tình hình nhận"
    sheet.append(safe_row([directive.title]))
    sheet.append(
        safe_row(
            [
                "Đơn vị",
                "Trạng thái",
                "Trễ hạn",
                "Mở lần đầu",
                "Người mở",
                "Phản hồi lúc",
                "Nội dung phản hồi",
            ]
        )
    )
    for row in rows:
        r = row.recipient
        sheet.append(
            safe_row(
                [
                    r.unit.name,
                    row.status,
                    "Trễ hạn" if row.late else "",
                    _vn(r.first_opened_at),
                    ", ".join(f"{name} ({_vn(at)})" for name, at in row.opened_by),
                    _vn(r.answered_at),
                    r.answer_text,
                ]
            )
        )
    return book


def xlsx_response(book: Workbook, filename: str) -> HttpResponse:
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
