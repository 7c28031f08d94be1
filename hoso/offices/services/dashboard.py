"""The operations dashboard only reads; its one write is the audit entry of its export."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hoso.audit.services import audit_log
from hoso.org.models import Unit


@transaction.atomic
def dashboard_exported(*, actor: Any, unit: Unit, ip: str = "", fmt: str = "xlsx") -> None:
    """The dashboard of `unit` was downloaded, as a workbook or as the one-page PDF."""
    audit_log(
        "offices.dashboard.exported",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        ip=ip,
        data={"format": fmt},
    )
