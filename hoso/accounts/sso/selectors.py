"""Reads of single sign-on: which providers the login page offers, the configuration behind a
callback, the provinces a person configures, and the HoSo account a sign-in may link to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from hoso.accounts.models import SsoProvider
from hoso.org.models import Unit, UnitKind
from hoso.policy import visible
from hoso.policy.grants import grants_for


def enabled_providers() -> list[SsoProvider]:
    """What the login page offers (before anyone is known): every enabled configuration."""
    return list(
        SsoProvider.objects.filter(enabled=True, province__is_active=True)
        .select_related("province")
        .order_by("province__name", "kind")
    )


def enabled_provider(provider_id: str) -> SsoProvider | None:
    """The configuration behind allauth's provider id "<kind>-<province id>", if switched on."""
    config = provider_by_id(provider_id)
    return config if config is not None and config.enabled and config.province.is_active else None


def provider_by_id(provider_id: str) -> SsoProvider | None:
    kind, _, province_id = provider_id.partition("-")
    if not province_id.isdigit() or len(province_id) > 18:
        return None
    return (
        SsoProvider.objects.filter(kind=kind, province_id=int(province_id))
        .select_related("province")
        .first()
    )


def provinces_configurable_by(user: Any) -> QuerySet[Unit]:
    """The Sở whose sign-in `user` may configure (policy accounts.sso.manage)."""
    units = Unit.objects.filter(kind=UnitKind.SO, is_active=True).order_by("name")
    return visible(user, "accounts.sso.manage", units)


def providers_of(province: Unit) -> dict[str, SsoProvider]:
    return {p.kind: p for p in SsoProvider.objects.filter(province=province)}


def accounts_with_email(email: str) -> list[Any]:
    """Active HoSo accounts whose e-mail is `email` (case ignored), at most two: more than one
    is as good as none (an ambiguous link is refused). The e-mail is the account's own or the
    one the school keeps on the person's staff record (the staff sheet's "Thư điện tử", the
    CSDL import), which is where a school writes its teachers' addresses."""
    users = (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(staff__email__iexact=email), is_active=True)
        .distinct()
        .order_by("pk")
    )
    return list(users[:2])


def works_in(user: Any, province: Unit) -> bool:
    """Does `user` hold a role this school year anywhere in the province?"""
    return any(grant.unit_path.startswith(province.path) for grant in grants_for(user).items)


def providers_configurable_by(user: Any) -> QuerySet[SsoProvider]:
    """The stored configurations of the Sở that `user` may configure."""
    return (
        SsoProvider.objects.filter(province__in=provinces_configurable_by(user))
        .select_related("province")
        .order_by("province__name", "kind")
    )
