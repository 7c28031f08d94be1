"""Reminders before, on and after a due date. Each due item is reminded at most once per kind
(the column is set in the same conditional UPDATE that claims it), so running the job twice,
or in two workers at once, sends nothing twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.records.models import DueItem
from hoso.records.notify import notify
from hoso.records.selectors import REMIND_BEFORE

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

_KINDS: list[tuple[str, _StrOrPromise]] = [
    ("reminded_before_at", gettext_lazy("Sắp đến hạn nộp")),
    ("reminded_on_at", gettext_lazy("Hôm nay đến hạn nộp")),
    ("reminded_after_at", gettext_lazy("Đã quá hạn nộp")),
]


def _windows(now: dt.datetime) -> dict[str, dict[str, Any]]:
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    return {
        "reminded_before_at": {
            "effective_due_at__gt": today_end,
            "effective_due_at__lte": now + REMIND_BEFORE,
        },
        "reminded_on_at": {"effective_due_at__gt": now, "effective_due_at__lte": today_end},
        "reminded_after_at": {
            "effective_due_at__lte": now,
            "effective_due_at__gt": now - dt.timedelta(days=7),
        },
    }


@transaction.atomic
def reminders_send(now: dt.datetime | None = None) -> int:
    """Remind owners of unsubmitted due items; returns how many items were reminded."""
    now = now or timezone.now()
    total = 0
    for column, title in _KINDS:
        claimable = DueItem.objects.filter(
            submitted_at__isnull=True, owner__isnull=False, **{f"{column}__isnull": True}
        ).filter(**_windows(now)[column])
        ids = list(claimable.select_for_update().values_list("pk", flat=True)[:5000])
        claimed = DueItem.objects.filter(pk__in=ids, **{f"{column}__isnull": True})
        items = list(claimed.values("pk", "owner_id", "period_label", "record_type__name"))
        claimed.update(**{column: now})
        _send(items, title)
        total += len(items)
    return total


def _send(items: Sequence[Mapping[str, Any]], title: _StrOrPromise) -> None:
    by_owner: dict[int, list[str]] = defaultdict(list)
    for item in items:
        by_owner[item["owner_id"]].append(f"{item['record_type__name']} — {item['period_label']}")
    url = reverse("records:mine")
    for owner_id, lines in by_owner.items():
        notify(
            [owner_id],
            title=_("%(title)s: %(count)s hồ sơ") % {"title": title, "count": len(lines)},
            body="\n".join(lines),
            url=url,
        )
