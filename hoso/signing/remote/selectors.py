"""Reads of remote signing's settings: the providers a person configures (a Sở's) or may use
(those of the units above them), the person's own linked credentials, and the schools' seal
credentials a văn thư (or principal) may seal with."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoso.org.models import Unit, UnitKind
from hoso.policy import visible
from hoso.signing.models import CertStatus
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


def seal_credentials_usable(user: Any) -> QuerySet[RemoteCredential]:
    """The schools' remote seal credentials `user` may seal with (active provider, active
    certificate), newest link first."""
    qs = RemoteCredential.objects.filter(
        unit__isnull=False, provider__is_active=True, certificate__status=CertStatus.ACTIVE
    )
    return (
        visible(user, "signing_remote.seal.use", qs)
        .select_related("provider", "certificate", "unit")
        .order_by("unit__name", "-linked_at", "-id")
    )


def seal_credentials_managed(user: Any) -> QuerySet[RemoteCredential]:
    """Every remote seal credential of the schools whose seal `user` manages (any status)."""
    qs = RemoteCredential.objects.filter(unit__isnull=False)
    return (
        visible(user, "signing_remote.seal.use", qs)
        .select_related("provider", "certificate", "unit")
        .order_by("unit__name", "-linked_at", "-id")
    )


def seal_units_managed(user: Any) -> list[Unit]:
    """Schools whose seal `user` manages (registers, links at a provider): policy
    `signing.seal.manage`."""
    from hoso.policy import can

    schools = Unit.objects.filter(kind=UnitKind.TRUONG).order_by("name", "id")
    return [u for u in schools if can(user, "signing.seal.manage", u)]
