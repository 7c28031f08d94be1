"""Writes on accounts: API tokens issued, used and revoked (each audited except the use)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.accounts.models import ApiToken
from hoso.accounts.tokens import LAST_USED_RESOLUTION, Reason, active_tokens, hash_key, token_days
from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotFound
from hoso.core.text import clean_line


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
        name=clean_line(name)[:80] or "Mã truy cập",
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
        raise NotFound(_("Không tìm thấy mã truy cập này (có thể đã bị thu hồi)."))
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
        raise DomainError(_("Mã API không hợp lệ."))
    return int(text)
