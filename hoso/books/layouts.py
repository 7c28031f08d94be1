"""The school books as HTML for WeasyPrint (A4, Liberation Serif, "Trang x/y", rows and
signature blocks never split across pages): sổ đăng bộ, sổ theo dõi và đánh giá học sinh theo
lớp học, bảng tổng hợp kết quả đánh giá giáo dục (docs/books.md). Each signer's block of the
form (giáo viên bộ môn of each subject, GVCN, HIỆU TRƯỞNG) gets an empty signature field in
its blank, found in WeasyPrint's own layout: the chain's signatures fill them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from hoso.books.pages import laid_out
from hoso.org.models import Role
from hoso.records.chains import signature_field
from hoso.records.models import HOMEROOM_TEACHER, SUBJECT_TEACHERS

TEMPLATES = {
    "so_dang_bo": "books/pdf/so_dang_bo.html",
    "so_theo_doi": "books/pdf/so_theo_doi.html",
    "bang_tong_hop": "books/pdf/bang_tong_hop.html",
}
OFFICES = {"TH": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "THCS": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"}


def book_html(kind: str, data: dict[str, Any], *, number: int, note: str = "") -> str:
    numbers = [line["number"] for line in data.get("lines", []) if line["number"]]
    level = data["school"]["level"]
    tables = [
        {**t, "sign_field": signature_field(SUBJECT_TEACHERS, t["code"])}
        for t in data.get("tables", [])
    ]
    context: dict[str, Any] = {
        "d": {**data, "tables": tables} if tables else data,
        "number": number,
        "note": note,
        "office": f"{OFFICES.get(level, 'SỞ GIÁO DỤC VÀ ĐÀO TẠO')} {data['place']['district']}",
        "level_name": "TRUNG HỌC PHỔ THÔNG" if level == "THPT" else "TRUNG HỌC CƠ SỞ",
        "first_number": numbers[0] if numbers else "",
        "last_number": numbers[-1] if numbers else "",
        "changed_lines": [],
        "sign": {
            "ht": signature_field(Role.HT),
            "gvcn": signature_field(HOMEROOM_TEACHER),
        },
    }
    return render_to_string(TEMPLATES[kind], context)


def book_pdf(kind: str, data: dict[str, Any], *, number: int, note: str = "") -> bytes:
    """The book as PDF, with an empty signature field in each signer's block."""
    return pdf_with_fields(book_html(kind, data, number=number, note=note))


def pdf_with_fields(html: str) -> bytes:
    """`html` laid out by WeasyPrint, with an empty signature field in each blank marked
    `data-sign` (the school books, the học bạ)."""
    from hoso.signing.services.door import with_signature_fields

    pdf, places = laid_out((html, str(settings.BASE_DIR)))
    return with_signature_fields(pdf, places)
