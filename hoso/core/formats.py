"""How dates, times, numbers and file sizes read on HoSo's pages: "20:16, 03/12/2026" in
Vietnam time, "03/12/2026", "1,2 MB", "8,5" (the decimal comma). One place, used by the
template filters (`hoso.core.templatetags.hoso_format`) and by code that writes sentences.
Machine formats (ISO 8601 in the API and in the PDF signature appearance) stay as they are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_UNITS = ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB"))


def _moment(value: object) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def vn_datetime(value: object, *, seconds: bool = False) -> str:
    """ "20:16, 03/12/2026" (Vietnam time) from a datetime or an ISO 8601 text; "" for
    nothing; a text that is no time is returned unchanged."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if not isinstance(moment, dt.datetime):
        return vn_date(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(VN)
    return local.strftime("%H:%M:%S, %d/%m/%Y" if seconds else "%H:%M, %d/%m/%Y")


def vn_date(value: object) -> str:
    """ "03/12/2026" from a date, a datetime (its Vietnam day) or an ISO 8601 text."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(VN)
    return moment.strftime("%d/%m/%Y")


def vn_decimal(value: object, places: int = 1) -> str:
    """A number with the decimal comma and dots between thousands: 1234.5 → "1.234,5";
    trailing zeros after the comma are dropped ("8,0" → "8")."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "" if value is None else str(value)
    text = f"{number:,.{places}f}" if places > 0 else f"{number:,.0f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def vn_filesize(size: object) -> str:
    """ "1,2 MB", "340 KB", "12 byte" (1 KB = 1024 byte, as file managers count)."""
    try:
        count = int(str(size))
    except ValueError:
        return ""
    for factor, unit in _UNITS:
        if count >= factor:
            return f"{vn_decimal(count / factor, 1)} {unit}"
    return f"{count} byte"
