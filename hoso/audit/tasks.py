"""The daily time-stamp anchor of the audit chain (hoso.audit.anchors). An hourly tick decides
whether one is due, so a server that was down at night anchors when it comes back."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hoso.audit.anchors import anchor_due, anchor_now, tsa_url
from hoso.core.errors import DomainError

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="41"))
def anchor_tick() -> None:
    if not tsa_url() or not anchor_due():
        return
    try:
        anchor_now()
    except DomainError as exc:  # the TSA is down: try again at the next tick
        log.warning("audit anchor not written: %s", exc.message)
