"""What a file of the school's old folders probably is, read from its folder and file names:
record type and period by the school's rules (then by the usual ways of writing a week, a
term, a month), the school year ("2024-2025", "Năm học 2024 - 2025", "NH 24-25"), and the
owner, a member of staff whose name appears in a folder's name. Plain functions over plain
data, so the rules' effect is easy to test and to show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hoso.search.folding import fold

# The defaults a school starts with: a name fragment → the record type whose catalogue code
# ends with the suffix (TT28.KHBD at a primary school, TT32.KHBD at a secondary one). More
# specific fragments first: the first rule that matches wins.
DEFAULT_TYPE_RULES: list[tuple[str, str]] = [
    ("Kế hoạch bài dạy", "KHBD"),
    ("Giáo án", "KHBD"),
    ("KHBD", "KHBD"),
    ("Kế hoạch giáo dục của tổ", "KHGDTO"),
    ("Kế hoạch tổ", "KHGDTO"),
    ("Kế hoạch giáo dục nhà trường", "KHGDNT"),
    ("Kế hoạch giáo dục của nhà trường", "KHGDNT"),
    ("Kế hoạch giáo dục cá nhân", "KHGDGV"),
    ("Kế hoạch giáo dục của giáo viên", "KHGDGV"),
    ("Sổ chủ nhiệm", "SCN"),
    ("Sinh hoạt chuyên môn", "SHCM"),
    ("Sinh hoạt chuyên môn", "SGCM"),
    ("Sổ ghi đầu bài", "SGDB"),
    ("Sổ đăng bộ", "SDB"),
    ("Học bạ", "HOCBA"),
    ("Văn bản đi", "VBDD"),
    ("Văn bản đi", "QLVB"),
    ("Sổ theo dõi và đánh giá", "STDDG"),
]

_YEAR_FULL = re.compile(r"(?<!\d)(20\d{2})\s*[-–_/. ]\s*(20\d{2}|\d{2})(?!\d)")
_YEAR_SHORT = re.compile(r"\b(?:nam hoc|nh)\s*[-_.]?\s*(\d{2})\s*[-–_/.]\s*(\d{2})(?!\d)")
_WEEK = re.compile(r"\btuan\s*(?:so\s*)?0*(\d{1,2})(?!\d)")
_TERM = re.compile(r"\b(?:hoc\s*ky|hk)\s*[-_.]?\s*(ii|i|1|2)(?![\w])")
_MONTH = re.compile(r"\bthang\s*0*(\d{1,2})(?!\d)")
_WHOLE_YEAR = re.compile(r"\bca\s*nam\b")


@dataclass(frozen=True)
class Rule:
    """A rule as the proposals use it: `folded` pattern, target, type id or value."""

    folded: str
    target: str
    record_type_id: int | None = None
    value: str = ""


@dataclass(frozen=True)
class TypeInfo:
    pk: int
    period: str  # ONCE | YEAR | TERM | MONTH | WEEK
    keeper: str


@dataclass(frozen=True)
class Proposal:
    record_type_id: int | None
    owner_id: int | None
    year_name: str
    period_key: str
    title: str


def folded_path(path: str) -> str:
    """The path as the rules read it: folded, separators as spaces, one space between words."""
    text = fold(path).replace("_", " ").replace("/", " / ")
    return re.sub(r"\s+", " ", text)


def year_of(folded: str) -> str:
    """ "2024-2025" from any usual way of writing a school year; "" when none is there. Of
    several, the one written last (the deepest folder, the file) wins."""
    found = ""
    for match in _YEAR_FULL.finditer(folded):
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else 2000 + int(end)
        if end_year == start + 1:
            found = f"{start}-{end_year}"
    for match in _YEAR_SHORT.finditer(folded):
        start, end_year = 2000 + int(match.group(1)), 2000 + int(match.group(2))
        if end_year == start + 1:
            found = f"{start}-{end_year}"
    return found


def period_of(folded: str, period: str, year_name: str) -> str:
    """The period key of a type whose period is `period`: W05, HK1, 2024-10, NAM; "" when the
    names do not say."""
    if period == "WEEK":
        weeks = _WEEK.findall(folded)
        return f"W{int(weeks[-1]):02d}" if weeks and 1 <= int(weeks[-1]) <= 53 else ""
    if period == "TERM":
        terms = _TERM.findall(folded)
        return {"i": "HK1", "1": "HK1", "ii": "HK2", "2": "HK2"}[terms[-1]] if terms else ""
    if period == "MONTH":
        months = [int(m) for m in _MONTH.findall(folded) if 1 <= int(m) <= 12]
        if not months or not year_name:
            return ""
        first = int(year_name[:4])
        month = months[-1]
        return f"{first if month >= 8 else first + 1}-{month:02d}"
    if period == "YEAR":
        return "NAM"
    return ""


def owner_of(folded: str, staff: list[tuple[str, int]]) -> int | None:
    """The member of staff (folded full name, user id) whose whole name appears in the path;
    the longest name wins ("Nguyễn Thị Lan Anh" over "Nguyễn Thị Lan")."""
    padded = f" {re.sub(r'[^0-9a-z]+', ' ', folded)} "
    best: tuple[int, int] | None = None
    for name, user_id in staff:
        words = re.sub(r"[^0-9a-z]+", " ", name).strip()
        if words and f" {words} " in padded and (best is None or len(words) > best[0]):
            best = (len(words), user_id)
    return best[1] if best else None


def title_of(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return re.sub(r"\s+", " ", stem.replace("_", " ")).strip()[:255] or base[:255]


def propose(
    path: str,
    rules: list[Rule],
    types: dict[int, TypeInfo],
    staff: list[tuple[str, int]],
    default_owner: int | None = None,
) -> Proposal:
    """The proposal for the file at `path` (as shown, without the Takeout prefix)."""
    folded = folded_path(path)
    chosen: dict[str, Any] = {}
    for rule in rules:
        if rule.target not in chosen and rule.folded and rule.folded in folded:
            chosen[rule.target] = rule.record_type_id if rule.target == "type" else rule.value
    type_id = chosen.get("type")
    info = types.get(type_id) if type_id else None
    year_name = chosen.get("year") or year_of(folded)
    period_key = chosen.get("period") or (period_of(folded, info.period, year_name) if info else "")
    owner_id = owner_of(folded, staff)
    if owner_id is None and info is not None and info.keeper == "SCHOOL":
        owner_id = default_owner  # a school's own book: the person bringing it in answers
    return Proposal(type_id, owner_id, year_name, period_key, title_of(path))
