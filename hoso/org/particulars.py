"""Student particulars the official books print: the 54 dân tộc with their 2-digit codes
(data/dan-toc.json, copied from docs/sources/data) and the số định danh cá nhân check.

Names are matched accent-, case-, space- and hyphen-insensitively, aliases included, because
the sector's lists spell them differently ("Khơ-me", "Khmer", "Khơ me")."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data" / "dan-toc.json"
PROVINCES = Path(__file__).resolve().parent / "data" / "ma-tinh-cccd.json"
PERSONAL_ID = re.compile(r"^\d{12}$")


@cache
def ethnicities() -> list[tuple[str, str]]:
    """(code, name) of the 54 dân tộc, in the official order."""
    items = json.loads(DATA.read_text(encoding="utf-8"))["items"]
    return [(item["code"], item["name"]) for item in items]


def ethnicity_name(code: str) -> str:
    return dict(ethnicities()).get(code, "")


def _key(text: str) -> str:
    lowered = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch)
    )
    return re.sub(r"[\s\-'’]+", "", stripped)


def match_key(text: str) -> str:
    """The form two spellings of a name or a column title are compared in."""
    return _key(text)


@cache
def _by_key() -> dict[str, str]:
    items = json.loads(DATA.read_text(encoding="utf-8"))["items"]
    found: dict[str, str] = {}
    for item in items:
        for name in [item["name"], *item.get("aliases", [])]:
            found.setdefault(_key(name), item["code"])
        found.setdefault(item["code"], item["code"])
        found.setdefault(str(int(item["code"])), item["code"])
    return found


def ethnicity_code(text: str) -> str | None:
    """The code for a name, an alias or a code ("Kinh", "kinh", "01", "1"); None if unknown."""
    return _by_key().get(_key(text)) if text.strip() else None


@cache
def province_codes() -> frozenset[str]:
    """The 63 legacy 3-digit province codes a số định danh cá nhân starts with (the 34
    provinces of 2025 kept a subset of them, and issued numbers never change)."""
    data = json.loads(PROVINCES.read_text(encoding="utf-8"))
    return frozenset(item["code"] for item in data["legacy_63"]["codes"])


def personal_id_problem(
    value: str, *, birth_year: int | None = None, gender: str | None = None
) -> str:
    """Why `value` cannot be a số định danh cá nhân ("" when it can): 12 digits whose 4th digit
    (century and sex) and 5th-6th (year of birth) agree with the student's own (NĐ 137/2015
    Điều 13; docs/sources/csdl-nganh.md §5), starting with a known province code (the place
    the birth was registered). There is no check digit."""
    if not PERSONAL_ID.match(value):
        return _("phải gồm đúng 12 chữ số")
    if value[:3] not in province_codes():
        return _("có 3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh")
    if birth_year is not None:
        century = (birth_year // 100) - 19
        if century < 0 or value[3] not in {str(2 * century), str(2 * century + 1)}:
            return _("chữ số thứ 4 không khớp với năm sinh %(birth_year)s") % {
                "birth_year": birth_year
            }
        if gender in ("NAM", "NU") and int(value[3]) % 2 != (gender == "NU"):
            return _("chữ số thứ 4 không khớp với giới tính")
        if value[4:6] != f"{birth_year % 100:02d}":
            return _("chữ số thứ 5-6 không khớp với năm sinh %(birth_year)s") % {
                "birth_year": birth_year
            }
    return ""


def mask_personal_id(value: str) -> str:
    """`0012******45`: enough to tell two people apart on screen, never the whole number
    (issue 15 item 2: shown masked to those who do not need it, never in logs)."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:]
