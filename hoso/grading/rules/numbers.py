"""What counts as a number typed into a score cell: digits, optionally one decimal separator
("." or ","), optionally a leading minus (so that "-1" is told it is outside the scale).
Exponents ("1e309"), underscores ("1_0"), signs other than one minus, a negative zero ("-0"),
non-ASCII digits, NaN and infinities are not scores."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def plain_decimal(value: object) -> Decimal | None:
    """The number `value` stands for, or None when it is not a plainly written finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN.fullmatch(text):
            return None
        number = Decimal(text.replace(",", "."))
    elif isinstance(value, int | float | Decimal):
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    if not number.is_finite() or (number.is_zero() and number.is_signed()):
        return None
    return number
