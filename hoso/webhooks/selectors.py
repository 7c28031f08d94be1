"""Reads of the webhooks, scoped to a person by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.org.models import Unit
from hoso.policy import visible
from hoso.webhooks.models import Attempt, Delivery, Endpoint


def endpoints_visible_to(user: Any) -> QuerySet[Endpoint]:
    rows = Endpoint.objects.select_related("unit")
    return visible(user, "webhooks.endpoint.manage", rows).order_by("unit__path", "name", "pk")


def units_managed_by(user: Any) -> QuerySet[Unit]:
    return visible(user, "webhooks.unit.manage", Unit.objects.all()).order_by("path")


def deliveries_of(endpoint: Endpoint, limit: int = 100) -> QuerySet[Delivery]:
    """The endpoint's deliveries, newest first (the caller has checked the endpoint)."""
    rows = Delivery.objects.filter(endpoint=endpoint).select_related("event")
    return rows.order_by("-created_at", "-pk")[:limit]


def deliveries_visible_to(user: Any) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("event", "endpoint", "endpoint__unit")
    return visible(user, "webhooks.delivery.manage", rows)


def attempts_of(delivery: Delivery) -> QuerySet[Attempt]:
    return Attempt.objects.filter(delivery=delivery).order_by("number")
