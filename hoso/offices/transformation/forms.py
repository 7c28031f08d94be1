"""Parsing what the pages and the API send into service arguments (dates, a criterion, an
id); bad input becomes a DomainError with a Vietnamese message, never a server error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.offices.transformation.services import CriterionIn


def parse_day(value: Any, *, field: str, label: str) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if "/" in text:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 — a date only
        return dt.date.fromisoformat(text)
    except ValueError:
        message = _(
            "%(label)s không hợp lệ; hãy ghi theo dạng ngày/tháng/năm (vd. 20/12/2026)."
        ) % {"label": label.capitalize()}
        raise DomainError(message, fields={field: [message]}) from None


def parse_int(value: Any, *, field: str, label: str, default: int | None = None) -> int:
    text = str(value if value is not None else "").strip()
    if not text and default is not None:
        return default
    if not text.isdigit() or len(text) > 18:
        message = _("Hãy chọn %(label)s.") % {"label": label}
        raise DomainError(message, fields={field: [message]})
    return int(text)


def criterion_in(data: Mapping[str, Any]) -> CriterionIn:
    levels = str(data.get("levels") or "").strip()
    return CriterionIn(
        group=str(data.get("group", "")),
        code=str(data.get("code", "")),
        title=str(data.get("title", "")),
        points=str(data.get("points", "")),
        kind=str(data.get("kind", "")),
        measure=str(data.get("measure", "") or ""),
        answer_kind=str(data.get("answer_kind", "") or ""),
        levels=parse_int(levels, field="levels", label=_("số mức"), default=0),
        guidance=str(data.get("guidance", "") or ""),
    )
