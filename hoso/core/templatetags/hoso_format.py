"""Template filters for times, dates, numbers and sizes as Vietnamese readers expect them:
`{{ when|vn_datetime }}` → "20:16, 03/12/2026" (see `hoso.core.formats`)."""

from __future__ import annotations

from django import template

from hoso.core import formats

register = template.Library()


@register.filter
def vn_datetime(value: object) -> str:
    return formats.vn_datetime(value)


@register.filter
def vn_datetime_s(value: object) -> str:
    """With seconds, where the order of events within a minute matters (the audit log)."""
    return formats.vn_datetime(value, seconds=True)


@register.filter
def vn_date(value: object) -> str:
    return formats.vn_date(value)


@register.filter
def vn_decimal(value: object, places: int = 1) -> str:
    return formats.vn_decimal(value, int(places))


@register.filter
def vn_filesize(value: object) -> str:
    return formats.vn_filesize(value)


@register.filter
def nth(items: object, index: int) -> object:
    """The item at a position, "" past the end: the column header of a cell made in a loop
    (a card on a phone names each cell after its column)."""
    try:
        return items[int(index)]  # type: ignore[index]
    except (IndexError, KeyError, TypeError, ValueError):
        return ""


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    """The interface's languages (settings.LANGUAGES), each named in itself as a language
    switch names them ("Tiếng Việt", "English"), never translated into the page's language."""
    from django.conf import settings

    return list(settings.LANGUAGES)
