from __future__ import annotations

from typing import Any

from django import template

from hoso.records.periods import period_label

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def period_of(record: Any) -> str:
    """A record's period as people say it ("Tuần 39 (25/05–31/05/2026)", "Học kỳ II")."""
    key = getattr(record, "period_key", "")
    if not key:
        return ""
    kind = record.record_type
    return period_label(kind.period, kind.due_rule, record.school_year, key)
