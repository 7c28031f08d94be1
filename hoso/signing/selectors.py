"""Reads scoped by the policy: signing queues, certificates, signatures of a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hoso.org.models import Unit
from hoso.policy import visible
from hoso.signing.models import Certificate, CertKind, CertStatus, SignatureRecord
from hoso.signing.work import work

EXPIRY_WARNING_DAYS = 30


def sign_queue(user: Any) -> QuerySet[Any]:
    """Documents waiting for `user`'s personal signature, as their owner app lists them."""
    return work().sign_queue(user)


def sign_queue_rows(user: Any) -> list[Any]:
    """The "Chờ ký" queue as rows, each with `part_note`: what of it is `user`'s to sign, and
    `parts`: the names of those parts, one signature each ([] for the whole document)."""
    rows = list(sign_queue(user))
    for row in rows:
        row.part_note = work().part_note(user, row)
        row.parts = work().parts(user, row)
    return rows


def seal_queue(user: Any) -> QuerySet[Any]:
    """Documents waiting for a seal `user` may apply, as their owner app lists them."""
    return work().seal_queue(user)


def certificates_visible(user: Any) -> QuerySet[Certificate]:
    return visible(user, "signing.certificate.manage", Certificate.objects.all()).select_related(
        "owner", "unit"
    )


def signatures_of_record(user: Any, record: Any) -> QuerySet[SignatureRecord]:
    """The caller has already checked that `user` may view `record`."""
    return (
        SignatureRecord.objects.filter(version__record=record)
        .select_related("signer", "certificate", "version")
        .order_by("version__number", "signed_at", "id")
    )


def usable_certificates(
    *, kind: str, owner: Any = None, unit: Unit | None = None, at: dt.datetime | None = None
) -> QuerySet[Certificate]:
    at = at or timezone.now()
    holder = {"owner": owner} if kind == CertKind.PERSONAL else {"unit": unit}
    return Certificate.objects.filter(
        kind=kind, status=CertStatus.ACTIVE, not_before__lte=at, not_after__gte=at, **holder
    )


def expiring_certificates(*, user: Any, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[Certificate]:
    now = timezone.now()
    return Certificate.objects.filter(
        owner=user,
        status=CertStatus.ACTIVE,
        not_after__gte=now,
        not_after__lte=now + dt.timedelta(days=days),
    )
