"""A parent downloaded the signed PDF of a directive meant for parents: audited like every
download of a record's file (the office's record, read by someone outside the office)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, NotFound
from hoso.offices.models import Directive
from hoso.policy import can


@transaction.atomic
def parent_directive_downloaded(*, actor: Any, directive: Directive, ip: str = "") -> None:
    if not can(actor, "families.directive.view", directive):
        raise NotFound(NOT_FOUND_MESSAGE)
    version = directive.version
    audit_log(
        "records.version.downloaded",
        actor=actor,
        obj=version,
        unit_id=directive.office_id,
        ip=ip,
        data={
            "what": "pdf",
            "sha256": version.viewing_sha256,
            "directive": directive.pk,
            "as": "parent",
        },
    )
