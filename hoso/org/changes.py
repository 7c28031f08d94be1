"""Who must hear that the pupils of a school changed (an enrolment set or moved): apps above
org register a listener from their AppConfig.ready() (the records summary marks the school's
figures stale), so org imports none of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

_listeners: list[Callable[[Iterable[int]], None]] = []


def on_enrolments_changed(listener: Callable[[Iterable[int]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def enrolments_changed(school_ids: Iterable[int]) -> None:
    ids = list(school_ids)
    for listener in _listeners:
        listener(ids)
