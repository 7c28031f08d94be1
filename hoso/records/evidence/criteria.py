"""The accreditation standards as data (`hoso/records/data/accreditation.json`): per circular,
Tiêu chuẩn 1–5 with their tiêu chí (Mức 1–3) and the Mức 4 requirements. Which standard a
school follows comes from its cấp học (`Unit.level`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent.parent / "data" / "accreditation.json"
MUC4_PREFIX = "M4."


@dataclass(frozen=True)
class Criterion:
    standard: str  # "TT17-2018"
    code: str  # "1.1", "1.10", "M4.2"
    title: str
    tieu_chuan: int  # 1–5; 4 for the Mức 4 requirements is never confused: see `is_muc4`
    checked: bool  # False: the title is to be checked against the circular's text

    @property
    def is_muc4(self) -> bool:
        return self.code.startswith(MUC4_PREFIX)

    @property
    def label(self) -> str:
        """ "Tiêu chí 1.1"; a Mức 4 requirement: "Mức 4 – yêu cầu 2"."""
        if self.is_muc4:
            return _("Mức 4 – yêu cầu %(code)s") % {"code": self.code.removeprefix(MUC4_PREFIX)}
        return _("Tiêu chí %(code)s") % {"code": self.code}

    @property
    def sort_key(self) -> tuple[int, int]:
        if self.is_muc4:
            return (9, int(self.code.removeprefix(MUC4_PREFIX)))
        major, minor = self.code.split(".")
        return (int(major), int(minor))


@dataclass(frozen=True)
class TieuChuan:
    number: int
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def label(self) -> str:
        return _("Tiêu chuẩn %(number)s") % {"number": self.number}


@dataclass(frozen=True)
class Standard:
    code: str
    circular: str
    scope: str
    levels: tuple[str, ...]
    tieu_chuan: tuple[TieuChuan, ...]
    muc4: tuple[Criterion, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for tc in self.tieu_chuan for c in tc.criteria) + self.muc4

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)


@cache
def standards() -> tuple[Standard, ...]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(_standard(item) for item in raw["standards"])


def _standard(item: dict[str, Any]) -> Standard:
    code = str(item["code"])
    groups = []
    for group in item["tieu_chuan"]:
        criteria = tuple(
            Criterion(code, c["code"], c["title"], group["number"], c["checked"])
            for c in group["tieu_chi"]
        )
        groups.append(TieuChuan(group["number"], group["title"], criteria))
    listed = item.get("muc4", [])  # none sourced yet (docs/records.md)
    muc4 = tuple(Criterion(code, c["code"], c["title"], 0, c["checked"]) for c in listed)
    return Standard(
        code=code,
        circular=str(item["circular"]),
        scope=str(item["scope"]),
        levels=tuple(item["levels"]),
        tieu_chuan=tuple(groups),
        muc4=muc4,
    )


def standard(code: str) -> Standard | None:
    return next((s for s in standards() if s.code == code), None)


def standard_for_level(level: str) -> Standard | None:
    """The standard of a school's cấp học (TH → TT 17; THCS, THPT, liên cấp → TT 18; MN →
    TT 19); None for a unit without one (an office)."""
    return next((s for s in standards() if level in s.levels), None)


_CODE = re.compile(
    r"^(?:(?:tiêu\s*chí|tieu\s*chi|tc)\s*)?(?P<a>\d{1,2})\s*[.\-]\s*(?P<b>\d{1,2})$"
    r"|^(?:m|mức|muc)\s*4\s*[.\-]?\s*(?:(?:yêu\s*cầu|yeu\s*cau)\s*)?(?P<m>\d{1,2})$",
    re.IGNORECASE,
)


def normalize_code(raw: str) -> str | None:
    """ "TC1.1", "tiêu chí 1.1", "1-1", "1.1" → "1.1"; "M4.2", "Mức 4 yêu cầu 2" → "M4.2";
    anything else → None."""
    found = _CODE.match(raw.strip().replace("–", "-"))
    if found is None:
        return None
    if found["m"] is not None:
        return f"{MUC4_PREFIX}{int(found['m'])}"
    return f"{int(found['a'])}.{int(found['b'])}"
