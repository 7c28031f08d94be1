"""API tokens with a life cycle: hashed at rest, an expiry (HOSO_API_TOKEN_DAYS), last use
recorded (when, from where), revoked by their owner, on a password change, on an
administrator's lock; a token issued in demo mode stops working outside demo mode."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hoso.accounts.models import ApiToken
from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotFound
from hoso.core.text import clean_line

DEFAULT_DAYS = 90
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # at most one write per token and minute
KEYWORD = "Token"


class Reason:
    OWNER = "owner"
    PASSWORD = "password"  # noqa: S105 — a reason, not a password
    LOCKED = "locked"
    REPLACED = "replaced"
    LABELS = {
        OWNER: "Bạn đã thu hồi",
        PASSWORD: "Đổi mật khẩu",
        LOCKED: "Tài khoản bị khóa",
        REPLACED: "Thay bằng mã mới",
    }


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_days() -> int:
    return int(getattr(settings, "HOSO_API_TOKEN_DAYS", DEFAULT_DAYS))


@transaction.atomic
def api_token_issue(*, user: Any, name: str = "", ip: str = "") -> str:
    """A new token for `user`; returns the key, which is never stored nor shown again."""
    token, key = create_token(user=user, name=name, ip=ip)
    audit_log(
        "accounts.token.issued",
        actor=user,
        obj=token,
        ip=ip,
        data={"id": token.pk, "name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return key


def create_token(*, user: Any, name: str = "", ip: str = "") -> tuple[ApiToken, str]:
    """The row and its key, without the audit entry: for api_token_issue and for test fixtures
    and harnesses that set up an installation (never for a person's request)."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=clean_line(name)[:80] or "Mã API",
        prefix=key[:8],
        key_hash=hash_key(key),
        issued_in_demo=bool(settings.DEMO_MODE),
        created_at=now,
        created_ip=ip[:45],
        expires_at=now + dt.timedelta(days=token_days()),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: Any, ip: str = "") -> ApiToken:
    """The owner revokes one of their tokens; another person's token is "not found"."""
    token = (
        ApiToken.objects.select_for_update()
        .filter(pk=_id(token_id), user_id=actor.pk, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise NotFound("Không tìm thấy mã API này (có thể đã bị thu hồi).")
    token.revoked_at, token.revoked_reason = timezone.now(), Reason.OWNER
    token.save(update_fields=["revoked_at", "revoked_reason"])
    audit_log("accounts.token.revoked", actor=actor, obj=token, ip=ip, data={"id": token.pk})
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: Any, reason: str, actor: Any = None, ip: str = "") -> int:
    """Every live token of `user` (password changed, account locked). Audited when any was."""
    count = active_tokens(user).update(revoked_at=timezone.now(), revoked_reason=reason)
    if count:
        audit_log(
            "accounts.token.revoked_all",
            actor=actor or user,
            ip=ip,
            data={"user": user.pk, "reason": reason, "count": count},
        )
    return count


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


def note_use(token: ApiToken, ip: str) -> None:
    """Record when and from where the token was used (one write per minute at most)."""
    now = timezone.now()
    if (
        token.last_used_at is not None
        and now - token.last_used_at < LAST_USED_RESOLUTION
        and token.last_used_ip == ip
    ):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip[:45])
    token.last_used_at, token.last_used_ip = now, ip[:45]


def _id(value: Any) -> int:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise DomainError("Mã API không hợp lệ.")
    return int(text)
