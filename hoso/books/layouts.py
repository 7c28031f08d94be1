"""The school books as HTML for WeasyPrint (A4, Liberation Serif, "Trang x/y", rows and
signature blocks never split across pages): sổ đăng bộ, sổ theo dõi và đánh giá học sinh theo
lớp học, bảng tổng hợp kết quả đánh giá giáo dục (docs/books.md)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

TEMPLATES = {
    "so_dang_bo": "books/pdf/so_dang_bo.html",
    "so_theo_doi": "books/pdf/so_theo_doi.html",
    "bang_tong_hop": "books/pdf/bang_tong_hop.html",
}
OFFICES = {"TH": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "THCS": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"}


def book_html(kind: str, data: dict[str, Any], *, number: int, note: str = "") -> str:
    numbers = [line["number"] for line in data.get("lines", []) if line["number"]]
    level = data["school"]["level"]
    context: dict[str, Any] = {
        "d": data,
        "number": number,
        "note": note,
        "office": f"{OFFICES.get(level, 'SỞ GIÁO DỤC VÀ ĐÀO TẠO')} {data['place']['district']}",
        "level_name": "TRUNG HỌC PHỔ THÔNG" if level == "THPT" else "TRUNG HỌC CƠ SỞ",
        "first_number": numbers[0] if numbers else "",
        "last_number": numbers[-1] if numbers else "",
        "changed_lines": [],
    }
    return render_to_string(TEMPLATES[kind], context)


def book_pdf(kind: str, data: dict[str, Any], *, number: int, note: str = "") -> bytes:
    from hoso.grading.outputs.render import html_to_pdf

    return html_to_pdf(book_html(kind, data, number=number, note=note))
