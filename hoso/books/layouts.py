"""The school books as HTML for WeasyPrint (A4, Liberation Serif, "Trang x/y", rows and
signature blocks never split across pages): sổ đăng bộ, sổ theo dõi và đánh giá học sinh theo
lớp học, bảng tổng hợp kết quả đánh giá giáo dục (docs/books.md). Each signer's block of the
form (giáo viên bộ môn of each subject, GVCN, HIỆU TRƯỞNG) gets an empty signature field in
its blank, found in WeasyPrint's own layout: the chain's signatures fill them."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from hoso.org.models import Role
from hoso.records.chains import signature_field
from hoso.records.models import HOMEROOM_TEACHER, SUBJECT_TEACHERS

TEMPLATES = {
    "so_dang_bo": "books/pdf/so_dang_bo.html",
    "so_theo_doi": "books/pdf/so_theo_doi.html",
    "bang_tong_hop": "books/pdf/bang_tong_hop.html",
}
OFFICES = {"TH": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "THCS": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"}
SIGN_ATTRIBUTE = "data-sign"  # on the blank of a signer's block: the field's name
CSS_PX_PT = 0.75
IMAGE_WIDTH_PT = 40 * 72 / 25.4  # the signer image's width (as appearance._box_below)


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
    from weasyprint import HTML  # heavy import; only when a PDF is made

    from hoso.signing.services.door import with_signature_fields

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=_fonts())
    places = signature_places(document)
    return with_signature_fields(document.write_pdf(), places)


_THREAD = threading.local()


def _fonts() -> Any:
    """One WeasyPrint font configuration per thread, for every document it lays out: a fresh
    one per document (WeasyPrint's default) kept about 0.4 MB each in Pango's font maps, over
    100 MB across a school's 500 học bạ. The books use installed fonts (no @font-face), so a
    shared configuration lays them out the same."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_THREAD, "fonts", None)
    if config is None:
        config = _THREAD.fonts = FontConfiguration()
    return config


Place = tuple[str, int, tuple[float, float, float, float]]


def signature_places(document: Any) -> list[Place]:
    """(field name, page, box in points from the bottom left) of every blank marked
    `data-sign` in the laid-out document: the image's width, centred, the blank's height."""
    places: list[Place] = []
    for index, page in enumerate(document.pages):
        height = page.height
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get(SIGN_ATTRIBUTE) if element is not None else None
            if not name or getattr(box, "element_tag", "") != "div":
                continue
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            centre = (x + w / 2) * CSS_PX_PT
            top, bottom = (height - y) * CSS_PX_PT, (height - y - h) * CSS_PX_PT
            half = min(IMAGE_WIDTH_PT, w * CSS_PX_PT) / 2
            places.append((name, index, (centre - half, bottom, centre + half, top)))
    return places
