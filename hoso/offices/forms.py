"""Parsing what the forms and the API send (dates, id lists) into service arguments; bad
input becomes a DomainError with a Vietnamese message, never a server error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError

DUE_HOUR = 17  # a deadline given as a date means the end of that working day


def parse_due(
    value: Any, *, field: str = "reply_due_at", required: bool = False
) -> dt.datetime | None:
    """'2026-12-20' (17:00 that day, Việt Nam time) or an ISO date-time; '' is none."""
    text = str(value or "").strip()
    if not text:
        if required:
            raise DomainError(_("Hãy ghi hạn."), fields={field: [_("Hãy ghi hạn.")]})
        return None
    try:
        if len(text) <= 10:
            day = dt.date.fromisoformat(text)
            when = dt.datetime.combine(day, dt.time(DUE_HOUR))
        else:
            when = dt.datetime.fromisoformat(text)
    except ValueError:
        message = _("Ngày không hợp lệ; hãy ghi theo dạng năm-tháng-ngày (vd. 2026-12-20).")
        raise DomainError(message, fields={field: [message]}) from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def parse_ids(values: Iterable[Any], *, field: str) -> list[int]:
    ids = []
    for value in values:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            message = _("Mã đơn vị không hợp lệ: %(value)s.") % {"value": repr(text[:20])}
            raise DomainError(message, fields={field: [message]})
        ids.append(int(text))
    return ids


def parse_id(value: Any, *, field: str, label: str) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 18:
        raise DomainError(
            _("Hãy chọn %(label)s.") % {"label": label},
            fields={field: [_("Hãy chọn %(label)s.") % {"label": label}]},
        )
    return int(text)
