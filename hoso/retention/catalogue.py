"""The record type of the biên bản tiêu hủy. It is added here (by this app's data migration),
not to the national catalogue file, because it is produced by HoSo itself: nobody uploads it
and no due item is generated for it (optional)."""

from __future__ import annotations

from typing import Any

MINUTES_TYPE_FIELDS: dict[str, Any] = {
    "name": "Biên bản tiêu hủy hồ sơ",
    "levels": [],
    "keeper": "SCHOOL",
    "period": "ONCE",
    "due_rule": {"days_after_year_start": 45, "time": "17:00"},
    "signing_chain": [{"role": "HT", "action": "sign"}],
    "retention_years": 0,
    "retention_source": (
        "Luật Lưu trữ số 33/2024/QH15: hồ sơ về việc hủy tài liệu hết giá trị lưu trữ vĩnh viễn"
    ),
    "naming_rule": "BBTH_{so}_{truong}",
    "formats": ["pdf"],
    "legal_source": "Luật Lưu trữ số 33/2024/QH15; Thông tư 08/2025/TT-BGDĐT",
    "optional": True,
    "note": "Do HoSo lập khi hiệu trưởng duyệt đề nghị tiêu hủy.",
}


def ensure_minutes_type(model: Any) -> Any:
    """Create or update the type in `model` (RecordType or its migration twin)."""
    from hoso.retention.minutes import MINUTES_TYPE

    found, _ = model.objects.update_or_create(
        code=MINUTES_TYPE, owner_unit=None, defaults={**MINUTES_TYPE_FIELDS, "is_active": True}
    )
    return found
