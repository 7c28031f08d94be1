"""The CSDL ngành Excel layouts, one JSON file per template and version in
hoso/org/data/csdl/ (a new template version is a new file, not new code), and the detection of
a workbook's layout from its header row. Sources and what is UNCONFIRMED: docs/csdl.md."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.org.particulars import match_key as title_key

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "data" / "csdl"
ENTITIES = ("schools", "classes", "staff", "students", "enrolments")
KINDS = {"text", "code", "date", "gender", "ethnicity", "personal_id", "int", "level", "row_number"}


@dataclass(frozen=True)
class LayoutColumn:
    title: str
    field: str | None  # None: a column HoSo recognises but does not import
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int = 200

    def keys(self) -> set[str]:
        return {title_key(name) for name in (self.title, *self.aliases)}


@dataclass(frozen=True)
class Layout:
    id: str
    entity: str
    title: str
    version: str
    status: str
    source: str
    sheet: str
    header_row: int
    columns: tuple[LayoutColumn, ...]
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns if c.field]

    def column_for(self, title: str) -> LayoutColumn | None:
        key = title_key(title)
        return next((c for c in self.columns if key in c.keys()), None)

    def value_list(self, name: str) -> dict[str, str]:
        """`{normalised title: stored value}` of a value list (GIOI_TINH …)."""
        return _value_list(self.id, name)

    def value_title(self, name: str, stored: str) -> str:
        """The title the template writes for a stored value (export)."""
        return next((k for k, v in self.values.get(name, {}).items() if v == stored), stored)


def _layout(data: dict[str, Any]) -> Layout:
    columns = tuple(
        LayoutColumn(
            title=c["title"],
            field=c.get("field"),
            kind=c.get("kind", "text"),
            required=bool(c.get("required", False)),
            aliases=tuple(c.get("aliases", ())),
            max_length=int(c.get("max_length", 200)),
        )
        for c in data["columns"]
    )
    unknown = {c.kind for c in columns} - KINDS
    if data["entity"] not in ENTITIES or unknown:
        raise ValueError(f"layout {data['id']}: entity or column kinds {unknown} unknown")
    return Layout(
        id=data["id"],
        entity=data["entity"],
        title=data["title"],
        version=str(data["version"]),
        status=data["status"],
        source=data["source"],
        sheet=data["sheet"],
        header_row=int(data.get("header_row", 1)),
        columns=columns,
        values=data.get("values", {}),
    )


@cache
def layouts() -> dict[str, Layout]:
    found = {}
    for path in sorted(LAYOUT_DIR.glob("*.json")):
        layout = _layout(json.loads(path.read_text(encoding="utf-8")))
        found[layout.id] = layout
    return found


def layout(layout_id: str) -> Layout:
    try:
        return layouts()[layout_id]
    except KeyError:
        raise DomainError(_("Không có mẫu CSDL ngành này.")) from None


@cache
def _value_list(layout_id: str, name: str) -> dict[str, str]:
    return {title_key(k): v for k, v in layouts()[layout_id].values.get(name, {}).items()}


@dataclass(frozen=True)
class Match:
    layout: Layout
    sheet: str
    # Position in the row → the layout's column, for every non-empty header cell.
    positions: dict[int, LayoutColumn]


def _match(candidate: Layout, titles: list[str]) -> tuple[dict[int, LayoutColumn], list[str]]:
    positions: dict[int, LayoutColumn] = {}
    unknown: list[str] = []
    for index, title in enumerate(titles):
        if not title:
            continue
        column = candidate.column_for(title)
        if column is None or column in positions.values():
            unknown.append(title)
        else:
            positions[index] = column
    return positions, unknown


def detect(headers: dict[tuple[str, int], list[str]], first_sheet: str) -> Match:
    """The layout whose columns the file's header row has: every title known to it and its
    required columns present; several → the one that recognises most columns. `headers` maps
    (sheet, row) to the titles of that row, for each layout's sheet and header row."""
    best: tuple[int, Layout, list[str], list[str]] | None = None
    found: list[tuple[int, Match]] = []
    for candidate in layouts().values():
        sheet = candidate.sheet if (candidate.sheet, candidate.header_row) in headers else ""
        sheet = sheet or first_sheet
        titles = headers.get((sheet, candidate.header_row), [])
        positions, unknown = _match(candidate, titles)
        missing = [c.title for c in candidate.columns if c.required and c not in positions.values()]
        if not unknown and not missing and positions:
            found.append((len(positions), Match(candidate, sheet, positions)))
        elif best is None or len(positions) > best[0]:
            best = (len(positions), candidate, unknown, missing)
    if found:
        return max(found, key=lambda item: item[0])[1]
    raise DomainError(_unknown_message(best))


def _unknown_message(best: tuple[int, Layout, list[str], list[str]] | None) -> str:
    if best is None or best[0] == 0:
        return _(
            "Không nhận ra mẫu CSDL ngành của tệp: dòng tiêu đề không có cột nào của các mẫu "
            "đã biết. Hãy tải mẫu từ CSDL ngành hoặc từ HoSo và nhập lại."
        )
    _count, nearest, unknown, missing = best
    parts = [
        _("Không nhận ra mẫu CSDL ngành của tệp (gần nhất: mẫu “%(title)s” %(version)s).")
        % {"title": nearest.title, "version": nearest.version}
    ]
    if unknown:
        parts.append(_("Các cột không nhận ra: %(columns)s.") % {"columns": ", ".join(unknown)})
    if missing:
        parts.append(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})
    return " ".join(parts)
