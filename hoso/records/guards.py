"""Deletion guards: rules of other apps that refuse deleting a record (hoso.retention: nothing
is deleted before — or, outside a destruction, after — its retention period).

They register here from their AppConfig.ready(), so records never imports them. The delete
service asks them first: Django checks PROTECT foreign keys while collecting, before any
pre_delete signal, so a guard that only listened to pre_delete would never be heard for a
record that has versions."""

from __future__ import annotations

from collections.abc import Callable

from hoso.records.models import Record

# record -> why it may not be deleted (a Vietnamese sentence), or None when this guard agrees
DeletionGuard = Callable[[Record], "str | None"]

_GUARDS: dict[str, DeletionGuard] = {}


def register_deletion_guard(name: str, guard: DeletionGuard) -> None:
    """Register (or replace: ready() may run twice in tests) the guard called `name`."""
    _GUARDS[name] = guard


def deletion_refusal(record: Record) -> str | None:
    """The first refusal of a registered guard, in registration order; None when all agree."""
    for guard in _GUARDS.values():
        reason = guard(record)
        if reason:
            return reason
    return None
