"""Excel report templates built from the seed rows (data/bao-cao-phong-so.json, copied from
docs/sources/data): one sheet, label in column A, value in column B. Count rows are the cells
a unit fills (collected); ratio rows are formulas over the counts, so a summed workbook
recomputes them from the summed counts."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hoso.core.xlsx import safe_row

SEED_PATH = Path(__file__).resolve().parent / "data" / "bao-cao-phong-so.json"


def seed_sheet(code: str) -> dict[str, object]:
    data = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    found: dict[str, object] = next(s for s in data["sheets"] if s["code"] == code)
    return found


def template_from_seed(code: str) -> tuple[bytes, str]:
    """(xlsx bytes, the cells spec) of a seed sheet's count and same-sheet ratio rows."""
    from openpyxl import Workbook  # here, not when a web process starts (its memory)

    sheet_data = seed_sheet(code)
    book = Workbook()
    sheet = book.active
    title = str(sheet_data["title"])[:31]
    sheet.title = title.replace("/", "-")
    sheet.append(safe_row(["Chỉ tiêu", "Số liệu"]))
    rows: dict[str, int] = {}
    kept = []
    for key, label, kind in sheet_data["rows"]:  # type: ignore[attr-defined]
        if kind == "count":
            sheet.append(safe_row([label, None]))
            rows[key] = sheet.max_row
            kept.append(sheet.max_row)
    for _key, label, kind in sheet_data["rows"]:  # type: ignore[attr-defined]
        if kind.startswith("ratio:"):
            top, bottom = kind.removeprefix("ratio:").split("/")
            if top in rows and bottom in rows:
                percent = "*100" if "%" in label else ""
                sheet.append(
                    [label, f"=IF(B{rows[bottom]}=0,0,B{rows[top]}/B{rows[bottom]}{percent})"]
                )
    out = io.BytesIO()
    book.save(out)
    spec = "; ".join(f"B{row}" for row in kept)
    return out.getvalue(), spec
