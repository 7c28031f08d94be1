"""The record types an office keeps (data/office_types.json), loaded by a data migration and
matched by code, like the national catalogue of hoso.records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OFFICE_TYPES_PATH = Path(__file__).resolve().parent / "data" / "office_types.json"
SOURCE = "Nghị định 30/2020/NĐ-CP về công tác văn thư, Phụ lục III"


def office_type_rows(path: Path = OFFICE_TYPES_PATH) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        {
            "code": item["code"],
            "name": item["name"],
            "levels": [item["level"]] if item["level"] else [],
            "keeper": item["keeper"],
            "period": item["period"],
            "due_rule": {"each_upload": True} if item["each_upload"] else {},
            "optional": bool(item.get("optional", False)),
            "signing_chain": data["chains"][item["chain"]],
            "retention_years": item["retention_years"],
            "naming_rule": item["naming"],
            "formats": ["pdf", "docx", "odt", "xlsx"],
            "legal_source": SOURCE,
        }
        for item in data["types"]
    ]


def load_office_types(model: Any) -> int:
    count = 0
    for row in office_type_rows():
        code = row.pop("code")
        model.objects.update_or_create(
            code=code, owner_unit=None, defaults={**row, "is_active": True}
        )
        count += 1
    return count
