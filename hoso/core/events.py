"""Domain events: what an issuing service announces (a record issued, a report submitted, a
học bạ issued) to whoever listens. The lower apps call `emit` inside their transaction; the
webhooks app, above them, registers its sink from its AppConfig.ready() (no import circle, no
Django signal: the service that does the thing says so, in one line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RECORD_ISSUED = "record.issued"
REPORT_SUBMITTED = "report.submitted"
HOCBA_ISSUED = "hocba.issued"
KINDS = (RECORD_ISSUED, REPORT_SUBMITTED, HOCBA_ISSUED)

# sink(kind, unit_id, data): called in the emitting transaction; it defers any sending.
Sink = Callable[[str, int, dict[str, Any]], None]
_SINKS: list[Sink] = []


def use_sink(sink: Sink) -> None:
    if sink not in _SINKS:
        _SINKS.append(sink)


def emit(kind: str, *, unit_id: int | None, data: dict[str, Any]) -> None:
    """Announce that `kind` happened about unit `unit_id` (a school or an office); `data`
    holds ids and labels only, JSON-ready (it leaves the system)."""
    if unit_id is None:
        return
    for sink in list(_SINKS):
        sink(kind, unit_id, data)
