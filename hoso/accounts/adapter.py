from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

# Ways of signing in that prove the person is at the keyboard as well as a re-entered password.
_FRESH_METHODS = {"password", "mfa"}


class HosoAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the school (import or văn thư), never by self sign-up.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # A principal forced to enrol 2FA right after signing in would otherwise be asked for
        # the password they typed seconds ago; a sign-in within the reauthentication window
        # is as fresh as a reauthentication.
        request = getattr(context, "request", None)
        if request is not None and signed_in_recently(request):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def signed_in_recently(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    times = [r.get("at", 0) for r in records if r.get("method") in _FRESH_METHODS]
    return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


class HosoMFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return str(user.get_username())
