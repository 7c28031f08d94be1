"""Has this session completed the second factor? One answer for web pages and the API.

A person whose role requires two-factor login (selectors.requires_two_factor) is let in only by a
session that proved the second factor: allauth's sign-in recorded an "mfa" step, or the person
activated TOTP in this very session (typing a code from the new app proves possession too). A
password-only session of such a person (before enrolment, or from a sign-in page that is not
allauth's) is sent to enrolment, or signed out when the person already has an authenticator."""

from __future__ import annotations

from enum import Enum
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from hoso.accounts.selectors import has_totp, requires_two_factor

# Session key: the user id whose TOTP enrolment happened in this session.
ENROLLED_SESSION_KEY = "hoso_2fa_enrolled_user"

ENROL_MESSAGE = gettext_lazy(
    "Tài khoản của bạn bắt buộc xác thực hai lớp. Hãy bật mã xác thực trên trang "
    "Tài khoản của tôi trước khi tiếp tục."
)
VERIFY_MESSAGE = gettext_lazy(
    "Phiên đăng nhập này chưa qua bước xác thực hai lớp. Hãy đăng nhập lại bằng mật khẩu "
    "và mã xác thực."
)


class SecondFactor(Enum):
    OK = "ok"
    ENROL = "enrol"  # required, no authenticator yet: enrol before anything else
    VERIFY = "verify"  # has an authenticator but this session never used it: sign in again


def session_state(request: HttpRequest, user: Any) -> SecondFactor:
    if not requires_two_factor(user):
        return SecondFactor.OK
    if session_passed(request, user):
        return SecondFactor.OK
    return SecondFactor.VERIFY if has_totp(user) else SecondFactor.ENROL


def session_passed(request: HttpRequest, user: Any) -> bool:
    if str(request.session.get(ENROLLED_SESSION_KEY, "")) == str(user.pk):
        return True
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def mark_enrolled(request: HttpRequest, user: Any) -> None:
    request.session[ENROLLED_SESSION_KEY] = str(user.pk)
