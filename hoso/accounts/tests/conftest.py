"""Helpers for the accounts tests: real sign-ins through allauth's forms, TOTP codes computed
with allauth's own HOTP functions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from hoso.accounts.models import AccountProfile
from hoso.accounts.tests.factories import accounts_world

LOGIN_URL = "/tai-khoan/login/"
STRONG_PASSWORD = "Trong-dong-Dong-Son-1945"


def totp_code(secret: str, shift: int = 0) -> str:
    """The code an authenticator app shows now (shift: steps of TOTP_PERIOD seconds)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + shift
    return format_hotp_value(hotp_value(secret, counter))


def totp_secret_of(user: Any) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(decrypt(authenticator.data["secret"]))


def sign_in(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(LOGIN_URL, {"login": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth keeps rate limits (30 sign-ins/min/IP) and used TOTP codes in the cache, which
    # the database rollback between tests does not reset.
    cache.clear()


@pytest.fixture
def accounts(db: Any) -> dict[str, Any]:
    """The demo's named accounts that these tests sign in as, in a small province of their own
    (factories.accounts_world), for the tests marked `own_world`."""
    return accounts_world().people


@pytest.fixture
def real_account(db: Any, settings: Any) -> Callable[[str], Any]:
    """A demo account turned into a real one: not a demo account, a strong own password,
    outside demo mode — so every rule applies to it as to a school's account."""
    settings.DEMO_MODE = False

    def make(username: str) -> Any:
        user = get_user_model().objects.get(username=username)
        AccountProfile.objects.filter(user=user).update(is_demo=False)
        user.set_password(STRONG_PASSWORD)
        user.save(update_fields=["password"])
        return user

    return make
