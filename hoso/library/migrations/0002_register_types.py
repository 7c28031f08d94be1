"""The record types of the library's registers (kept by the school, signed by the principal).

Retention: no TT 08/2025 item for library registers was found (docs/sources/library.md §2,
UNCONFIRMED); 10 years by default, changeable on the retention page like any type."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CHAIN = [{"role": "HT", "action": "sign"}]
LEVELS = ["MN", "TH", "THCS", "THPT", "LIEN_CAP"]
TYPES = [
    ("TV.SDKTQ", "Sổ đăng ký tổng quát (thư viện)", "SDKTQ_{nam_hoc}"),
    ("TV.SDKCB", "Sổ đăng ký cá biệt (thư viện)", "SDKCB_{nam_hoc}"),
    ("TV.SOMUON", "Sổ mượn sách (thư viện)", "SOMUON_{nam_hoc}"),
    ("TV.BBKK", "Biên bản kiểm kê tài liệu thư viện", "BBKK_{nam_hoc}"),
    ("TV.BBTL", "Biên bản thanh lý tài liệu thư viện", "BBTL_{nam_hoc}"),
]


def load(apps: Any, schema_editor: Any) -> None:
    RecordType = apps.get_model("records", "RecordType")
    for code, name, naming in TYPES:
        RecordType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "levels": LEVELS,
                "keeper": "SCHOOL",
                "period": "YEAR",
                "due_rule": {"days_after_year_end": 0, "time": "17:00"},
                "signing_chain": CHAIN,
                "retention_years": 10,
                "retention_source": "Chưa xác định căn cứ (mặc định 10 năm)",
                "naming_rule": naming,
                "formats": ["pdf"],
                "legal_source": "TT 16/2022/TT-BGDĐT; mẫu sổ theo QĐ 01/2003/QĐ-BGDĐT (thực tế)",
                "optional": True,
                "is_active": True,
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    RecordType = apps.get_model("records", "RecordType")
    RecordType.objects.filter(code__in=[code for code, _, _ in TYPES], records__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial"), ("records", "0003_completion_indexes")]

    operations = [migrations.RunPython(load, unload)]
