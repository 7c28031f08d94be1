"""Reads of the audit log, already narrowed by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from hoso.audit.models import AuditEntry
from hoso.policy import can

# Audit actions that record someone looking at something ("ai đã xem").
ACCESS_ACTION_SUFFIXES = (".viewed", ".downloaded", ".exported")


def _access_q() -> Q:
    query = Q(pk__in=[])
    for suffix in ACCESS_ACTION_SUFFIXES:
        query |= Q(action__endswith=suffix)
    return query


def who_looked_at(
    user: Any,
    obj: Model,
    *,
    view_action: str,
    children: QuerySet[Any] | None = None,
) -> QuerySet[AuditEntry]:
    """Views, downloads and exports of `obj` (and of `children`, e.g. a record's versions),
    newest first — for a person who may `view_action` on `obj` (the owner, and the people the
    policy lets see the record). Anyone else gets an empty list, never an error that leaks."""
    if not can(user, view_action, obj):
        return AuditEntry.objects.none()
    targets = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if children is not None:
        child_ids = [str(pk) for pk in children.values_list("pk", flat=True)]
        targets |= Q(object_type=children.model._meta.label_lower, object_id__in=child_ids)
    return (
        AuditEntry.objects.filter(targets)
        .filter(_access_q())
        .select_related("actor")
        .order_by("-seq")
    )
