"""Demo: the Sở defines one record type of its own for the schools of the province, so the page
of the types offices define (/ho-so/loai-ho-so/) is not empty."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hoso.records.services.office_types import office_type_create

DEMO_TYPE_NAME = "Báo cáo công tác bảo đảm an toàn trường học (theo yêu cầu của Sở)"


def demo_office_types(province: Any) -> None:
    office_type_create(
        actor=province.users["so.chuyenvien"],
        unit=province.units["so"],
        fields={
            "name": DEMO_TYPE_NAME,
            "levels": ["MN", "TH", "THCS", "THPT"],
            "keeper": "SCHOOL",
            "period": "TERM",
            "due_rule": "term_end_7",
            "retention_years": 10,
            "formats": ["pdf", "docx"],
            "legal_source": "Công văn của Sở GDĐT về bảo đảm an toàn trường học",
            "required": False,
        },
        effective_from=timezone.localdate(),
    )
