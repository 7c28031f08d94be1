"""`{% verdict_box report %}`: a validation verdict with its colour, symbol and words."""

from __future__ import annotations

from typing import Any

from django import template

from hoso.signing.engine.words import level_vn
from hoso.signing.verdict_kinds import verdict_of

register = template.Library()


@register.filter
def verdict(report: dict[str, Any]) -> Any:
    """The verdict of a whole report (a file)."""
    return verdict_of(report)


@register.filter
def signature_verdict(sig: dict[str, Any]) -> Any:
    """The verdict of one signature of a report."""
    return verdict_of(sig, whole=False)


@register.filter
def modification_level(level: str | None) -> str:
    """What changed after a signature, in words (pyHanko's level: "FORM_FILLING" → "thêm chữ
    ký/điền biểu mẫu")."""
    return str(level_vn(level))
