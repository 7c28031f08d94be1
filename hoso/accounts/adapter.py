from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest


class HosoAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the school (import or văn thư), never by self sign-up.
        return False


class HosoMFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return str(user.get_username())
