"""Template filters for times, dates, numbers and sizes as Vietnamese readers expect them:
`{{ when|vn_datetime }}` → "20:16, 03/12/2026" (see `hoso.core.formats`)."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext_lazy as _

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


# The parts of a certificate's subject or issuer as asn1crypto's `Name.human_friendly` names
# them ("Common Name: …, Organization: …, Country: VN"), the form in which certificates' names
# are stored, in Vietnamese. A part not listed keeps its label.
_NAME_PARTS = {
    "Common Name": _("Tên"),
    "Organization": _("Tổ chức"),
    "Organizational Unit": _("Đơn vị"),
    "Organization Identifier": _("Mã số tổ chức"),
    "Country": _("Quốc gia"),
    "State/Province": _("Tỉnh/thành phố"),
    "Locality": _("Địa phương"),
    "Street Address": _("Địa chỉ"),
    "Postal Code": _("Mã bưu chính"),
    "Telephone Number": _("Số điện thoại"),
    "Email Address": _("Thư điện tử"),
    "Title": _("Chức danh"),
    "Name": _("Họ và tên"),
    "Given Name": _("Tên riêng"),
    "Surname": _("Họ"),
    "Serial Number": _("Số hiệu"),
    "User ID": _("Mã định danh"),
    "Pseudonym": _("Bí danh"),
    "Business Category": _("Loại hình tổ chức"),
    "Domain Component": _("Thành phần tên miền"),
}
_NAME_PART = re.compile(
    r"(?:^|(?<=, ))(" + "|".join(map(re.escape, sorted(_NAME_PARTS, key=len, reverse=True))) + "): "
)


@register.filter
def cert_name(value: object) -> str:
    """A certificate's subject or issuer with its parts named in the page's language:
    "Common Name: HoSo Demo CA, Country: VN" → "Tên: HoSo Demo CA, Quốc gia: VN"."""
    return _NAME_PART.sub(lambda found: f"{_NAME_PARTS[found.group(1)]}: ", str(value))
