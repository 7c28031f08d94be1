"""What each official book still lacks about a student (the particulars of org.Student).

The fields each form prints, as listed in docs/books.md (from docs/sources/official-books.md):
a book is not issued while any of its students lacks one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hoso.org.models import Student


class Book:
    HOCBA_TH = "hocba_th"  # TT 27/2020 Phụ lục 1
    HOCBA_THCS = "hocba_thcs"  # TT 22/2021 (THCS and THPT)
    SO_DANG_BO = "so_dang_bo"  # TT 28/2020, TT 32/2020 Điều 21 (practice layout)
    SO_THEO_DOI = "so_theo_doi"  # TT 22/2021, theo lớp học: sơ yếu lý lịch học sinh
    BANG_TONG_HOP = "bang_tong_hop"  # TT 27/2020 Điều 12


@dataclass(frozen=True)
class Need:
    fields: tuple[str, ...]  # any one of them filled is enough
    label: Any


PARENT = Need(
    ("father_name", "mother_name", "guardian_name"), _("họ tên cha, mẹ hoặc người giám hộ")
)
BASE = (
    Need(("full_name",), _("họ và tên")),
    Need(("gender",), _("giới tính")),
    Need(("birth_date",), _("ngày sinh")),
)
NEEDS: dict[str, tuple[Need, ...]] = {
    Book.HOCBA_TH: (
        *BASE,
        Need(("ethnicity",), _("dân tộc")),
        Need(("nationality",), _("quốc tịch")),
        Need(("birth_place",), _("nơi sinh")),
        Need(("hometown",), _("quê quán")),
        Need(("address",), _("nơi ở hiện nay")),
        PARENT,
        Need(("register_number",), _("số đăng bộ")),
        Need(("admitted_on",), _("ngày nhập học")),
    ),
    Book.HOCBA_THCS: (
        *BASE,
        Need(("ethnicity",), _("dân tộc")),
        Need(("birth_place",), _("nơi sinh")),
        Need(("address",), _("chỗ ở hiện tại")),
        PARENT,
        Need(("register_number",), _("số đăng bộ")),
    ),
    Book.SO_DANG_BO: (
        Need(("register_number",), _("số đăng bộ")),
        *BASE,
        Need(("birth_place",), _("nơi sinh")),
        Need(("ethnicity",), _("dân tộc")),
        Need(("hometown",), _("quê quán")),
        PARENT,
        Need(("address",), _("chỗ ở hiện nay")),
        Need(("admitted_on",), _("ngày vào trường")),
    ),
    Book.SO_THEO_DOI: (
        *BASE,
        Need(("birth_place",), _("nơi sinh")),
        Need(("ethnicity",), _("dân tộc")),
        Need(("address",), _("địa chỉ gia đình")),
        PARENT,
    ),
    Book.BANG_TONG_HOP: BASE,
}


def hocba_book(level: str) -> str:
    return Book.HOCBA_TH if level == "TH" else Book.HOCBA_THCS


def particulars_missing(student: Student, book: str) -> list[str]:
    """The labels of what `book` prints about `student` and is still blank."""
    return [
        str(need.label)
        for need in NEEDS[book]
        if not any(getattr(student, field) not in (None, "") for field in need.fields)
    ]


def class_missing(students: list[Student], book: str) -> list[tuple[Student, list[str]]]:
    """(student, missing labels) for every student of the list who lacks something."""
    rows = [(student, particulars_missing(student, book)) for student in students]
    return [(student, missing) for student, missing in rows if missing]
