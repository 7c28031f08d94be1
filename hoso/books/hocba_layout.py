"""The học bạ forms as HTML for WeasyPrint: TT 27/2020 Phụ lục 1 (tiểu học) and the TT 22/2021
booklets (THCS, THPT). Rows follow the forms' order (docs/books.md); a subject the class does
not study is printed greyed, as on the paper form. The year's GVCN and principal blocks carry
an empty signature field each (`data-sign`), which the học bạ chain fills."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from hoso.books.layouts import pdf_with_fields
from hoso.grading.hocba.chain import SIGN_FIELDS
from hoso.grading.models import SignStep

# TT 27 per-year table, in the form's order; True = has "Điểm KTĐK" (DOMAIN.md §2.1).
PRIMARY_ROWS: list[tuple[str, str, bool]] = [
    ("tieng_viet", "Tiếng Việt", True),
    ("toan", "Toán", True),
    ("ngoai_ngu_1", "Ngoại ngữ 1", True),
    ("lich_su_dia_li", "Lịch sử và Địa lí", True),
    ("khoa_hoc", "Khoa học", True),
    ("tin_hoc_cong_nghe", "Tin học và Công nghệ", True),
    ("dao_duc", "Đạo đức", False),
    ("tu_nhien_xa_hoi", "Tự nhiên và Xã hội", False),
    ("giao_duc_the_chat", "Giáo dục thể chất", False),
    ("am_nhac", "Nghệ thuật (Âm nhạc)", False),
    ("mi_thuat", "Nghệ thuật (Mĩ thuật)", False),
    ("hoat_dong_trai_nghiem", "Hoạt động trải nghiệm", False),
    ("tieng_dan_toc_thieu_so", "Tiếng dân tộc", False),
    ("ngoai_ngu_2", "Ngoại ngữ 2", False),
]
# TT 22 THCS per-year table, in the form's order (docs/sources/official-books.md §3).
SECONDARY_ROWS: list[tuple[str, str]] = [
    ("ngu_van", "Ngữ văn"),
    ("toan", "Toán"),
    ("ngoai_ngu_1", "Ngoại ngữ 1"),
    ("giao_duc_cong_dan", "Giáo dục công dân"),
    ("lich_su_dia_li", "Lịch sử và Địa lí"),
    ("khoa_hoc_tu_nhien", "Khoa học tự nhiên"),
    ("cong_nghe", "Công nghệ"),
    ("tin_hoc", "Tin học"),
    ("giao_duc_the_chat", "Giáo dục thể chất"),
    ("nghe_thuat", "Nghệ thuật"),
    ("noi_dung_giao_duc_dia_phuong", "Nội dung giáo dục của địa phương"),
    ("hoat_dong_trai_nghiem_huong_nghiep", "Hoạt động trải nghiệm, hướng nghiệp"),
    ("tieng_dan_toc_thieu_so", "Tiếng dân tộc thiểu số"),
    ("ngoai_ngu_2", "Ngoại ngữ 2"),
]
TRAIT_SHORT = {"Tốt": "T", "Đạt": "Đ", "Cần cố gắng": "C"}
HISTORY_ROWS = {"TH": 5, "THCS": 4, "THPT": 3}


def primary_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    studied = {row["code"]: row for row in data["subjects"]}
    rows = [
        {**studied.get(code, {}), "name": name, "taught": code in studied, "tested": tested}
        for code, name, tested in PRIMARY_ROWS
    ]
    known = {code for code, _, _ in PRIMARY_ROWS}
    rows += [
        {**row, "taught": True, "tested": bool(row.get("diem"))}
        for row in data["subjects"]
        if row["code"] not in known
    ]
    return rows


def secondary_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    studied = {row["code"]: row for row in data["subjects"]}
    if level_of(data) == "THPT":  # THPT prints only the student's own subjects
        return [{**row, "taught": True} for row in data["subjects"]]
    rows = [
        {**studied.get(code, {}), "name": name, "taught": code in studied}
        for code, name in SECONDARY_ROWS
    ]
    known = {code for code, _ in SECONDARY_ROWS}
    rows += [{**row, "taught": True} for row in data["subjects"] if row["code"] not in known]
    return rows


def _traits(data: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for trait in data.get("traits", []):
        short = TRAIT_SHORT.get(trait["muc"], trait["muc"])
        groups.setdefault(trait["group"], []).append({**trait, "short": short})
    return groups


def level_of(data: dict[str, Any]) -> str:
    """TH, THCS or THPT (the gradebook says "THCS_THPT" for both secondary levels)."""
    if data["level"] == "TH":
        return "TH"
    grade = str(data["class"].get("grade") or "")
    return "THPT" if grade.isdigit() and int(grade) >= 10 else "THCS"


def hocba_context(data: dict[str, Any], number: int) -> dict[str, Any]:
    history = data.get("history", [])
    level = level_of(data)
    blanks = max(HISTORY_ROWS.get(level, 4) - len(history), 0)
    fixed = sorted({c["item"] for c in data.get("corrections", [])})
    return {
        "d": data,
        "number": number,
        "class_short": data["class"]["name"].removeprefix("Lớp "),
        "history_blanks": range(blanks),
        "subject_rows": primary_rows(data) if data["level"] == "TH" else secondary_rows(data),
        "traits": _traits(data),
        "fixed_items": fixed,
        "level": level,
        "level_name": "TRUNG HỌC PHỔ THÔNG" if level == "THPT" else "TRUNG HỌC CƠ SỞ",
        "sign": {"gvcn": SIGN_FIELDS[SignStep.GVCN], "ht": SIGN_FIELDS[SignStep.HT]},
    }


def hocba_html(data: dict[str, Any], number: int) -> str:
    """The học bạ of one version: TT 27 for tiểu học, TT 22 otherwise."""
    template = "books/pdf/hocba_tt27.html" if data["level"] == "TH" else "books/pdf/hocba_tt22.html"
    return render_to_string(template, hocba_context(data, number))


def hocba_pdf(data: dict[str, Any], number: int) -> bytes:
    """The học bạ as PDF, with an empty signature field in the blank of the year's GVCN and
    principal blocks, which the chain's signatures fill (`hocba.chain.SIGN_FIELDS`)."""
    return pdf_with_fields(hocba_html(data, number))
