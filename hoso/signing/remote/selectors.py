"""Reads of remote signing's settings: the providers a person configures (a Sở's) or may use
(those of the units above them), and the person's own linked credentials."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.org.models import Unit
from hoso.policy import visible
from hoso.signing.remote.models import RemoteCredential, RemoteProvider


def units_managed(user: Any) -> QuerySet[Unit]:
    """Units whose providers `user` configures (their Sở; every Sở for the administrator)."""
    return visible(user, "signing_remote.provider.manage", Unit.objects.order_by("path"))


def providers_managed(user: Any) -> QuerySet[RemoteProvider]:
    units = units_managed(user)
    return RemoteProvider.objects.filter(unit__in=units).select_related("unit")


def provider_managed(user: Any, provider_id: int) -> RemoteProvider | None:
    return providers_managed(user).filter(pk=provider_id).first()


def providers_usable(user: Any) -> QuerySet[RemoteProvider]:
    """Active providers of the units above the person, to link a credential with."""
    providers = RemoteProvider.objects.select_related("unit").order_by("name", "id")
    return visible(user, "signing_remote.provider.use", providers)


def credentials_of(user: Any) -> QuerySet[RemoteCredential]:
    return (
        RemoteCredential.objects.filter(owner=user)
        .select_related("provider", "certificate")
        .order_by("-linked_at")
    )
