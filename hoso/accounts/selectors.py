"""Reads about an account: who must use two-factor login, whether they enrolled (API tokens:
hoso.accounts.tokens; their writes: hoso.accounts.services)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from hoso.accounts.models import AccountProfile
from hoso.core import data_version
from hoso.policy.grants import grants_for


def is_demo_account(user: Any) -> bool:
    # Asked on every request by the two-factor middleware: kept until the next write.
    return data_version.for_user("accounts.is_demo", user, lambda: _is_demo(user))


def _is_demo(user: Any) -> bool:
    profile = AccountProfile.objects.filter(user_id=user.pk).only("is_demo").first()
    return bool(profile and profile.is_demo)


def requires_two_factor(user: Any) -> bool:
    """2FA is required for leaders, clerks, inspectors and admins — except demo accounts in
    demo mode, so that the demo can be tried without a phone."""
    if settings.DEMO_MODE and is_demo_account(user):
        return False
    required = set(settings.HOSO_2FA_REQUIRED_ROLES)
    return bool(grants_for(user).roles() & required) or bool(user.is_superuser)


def has_totp(user: Any) -> bool:
    return data_version.for_user("accounts.has_totp", user, lambda: _has_totp(user))


def _has_totp(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
