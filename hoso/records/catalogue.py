"""The national record-type catalogue, kept as data in data/catalogue.json and loaded by a data
migration (and by `hoso catalogue load` after the file changes). Loading is idempotent: types
are matched by code and updated; unit-added types are never touched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"
ALL_FORMATS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "jpeg", "png", "tiff"]


def read_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def type_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue's types as field dicts for RecordType."""
    rows = []
    for item in data["types"]:
        source = data["sources"][item["source"]]
        rows.append(
            {
                "code": item["code"],
                "name": item["name"],
                "levels": item["levels"],
                "keeper": item["keeper"],
                "period": item["period"],
                "due_rule": data["due_rules"][item["due"]],
                "signing_chain": data["chains"][item["chain"]],
                "retention_years": item["retention_years"],
                "retention_source": data["sources"]["TT08"],
                "naming_rule": item.get("naming", ""),
                "formats": item.get("formats", ALL_FORMATS),
                "legal_source": f"{source}, {item['clause']}",
                "optional": bool(item.get("optional", False)),
                "note": item.get("note", ""),
            }
        )
    return rows


def load_catalogue(model: Any, path: Path = CATALOGUE_PATH) -> tuple[int, int]:
    """Create or update the national types in `model` (RecordType or its migration twin);
    return (created, updated)."""
    created = updated = 0
    for row in type_rows(read_catalogue(path)):
        code = row.pop("code")
        _, was_created = model.objects.update_or_create(
            code=code, owner_unit=None, defaults={**row, "is_active": True}
        )
        created, updated = created + was_created, updated + (not was_created)
    return created, updated
