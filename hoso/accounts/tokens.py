"""API tokens with a life cycle: hashed at rest, an expiry (HOSO_API_TOKEN_DAYS), last use
recorded (when, from where), revoked by their owner, on a password change, on an
administrator's lock; a token issued in demo mode stops working outside demo mode."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hoso.accounts.models import ApiToken

DEFAULT_DAYS = 90
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # at most one write per token and minute
KEYWORD = "Token"


class Reason:
    OWNER = "owner"
    PASSWORD = "password"  # noqa: S105 — a reason, not a password
    LOCKED = "locked"
    REPLACED = "replaced"
    LABELS = {
        OWNER: gettext_lazy("Bạn đã thu hồi"),
        PASSWORD: gettext_lazy("Đổi mật khẩu"),
        LOCKED: gettext_lazy("Tài khoản bị khóa"),
        REPLACED: gettext_lazy("Thay bằng mã mới"),
    }


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_days() -> int:
    return int(getattr(settings, "HOSO_API_TOKEN_DAYS", DEFAULT_DAYS))


def active_tokens(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The person's own tokens for their list: live ones first, then the last revoked/expired."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("revoked_at", "-created_at")


def live_token(key: str) -> ApiToken | None:
    """The token whose key is `key`, if it may be used now (no side effect)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.expires_at <= timezone.now():
        return None
    if token.issued_in_demo and not settings.DEMO_MODE:
        return None
    if not token.user.is_active:
        return None
    return token


def key_from_header(header: str) -> str | None:
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != KEYWORD.lower():
        return None
    return parts[1]


def user_id_of_header(header: str) -> int | None:
    """Whose live token an Authorization header carries (for the rate limiter; no side effect)."""
    key = key_from_header(header)
    token = live_token(key) if key else None
    return int(token.user_id) if token is not None else None
