"""Library events (Django auth, django-axes, allauth MFA and linked accounts) to the audit log.

These are the integration points those libraries offer; HoSo's own flows never use signals."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from allauth.socialaccount import signals as social_signals
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from hoso.accounts.lockout import ip_failure_record
from hoso.audit.services import audit_log
from hoso.core.http import client_ip


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_log("accounts.login.ok", actor=user, ip=client_ip(request))


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log("accounts.logout", actor=user, ip=client_ip(request))


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "")[:150]
    audit_log(
        "accounts.login.failed",
        actor_name=username,
        ip=client_ip(request),
        data={"username": username},
    )
    if request is not None and ip_failure_record(request):
        audit_log("accounts.lockout", ip=client_ip(request), data={"scope": "ip"})


def _locked_out(
    sender: Any,
    request: HttpRequest,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    audit_log(
        "accounts.lockout",
        actor_name=(username or "")[:150],
        ip=ip_address or "",
        data={"username": username or ""},
    )


def _mfa_event(action: str) -> Any:
    def handler(
        sender: Any,
        request: HttpRequest | None = None,
        user: Any = None,
        authenticator: Any = None,
        **kwargs: Any,
    ) -> None:
        kind = getattr(authenticator, "type", "")
        audit_log(action, actor=user, ip=client_ip(request), data={"type": kind})

    return handler


def _sso_unlinked(
    sender: Any, request: HttpRequest | None = None, socialaccount: Any = None, **kwargs: Any
) -> None:
    # The person removed a Microsoft/Google link on allauth's connections page.
    audit_log(
        "accounts.sso.unlinked",
        actor=getattr(socialaccount, "user", None),
        ip=client_ip(request),
        data={"provider": str(getattr(socialaccount, "provider", ""))},
    )


_HANDLERS = {
    "added": _mfa_event("accounts.2fa.added"),
    "removed": _mfa_event("accounts.2fa.removed"),
    "reset": _mfa_event("accounts.2fa.reset"),
    "failed": _mfa_event("accounts.2fa.failed"),
}


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="hoso_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="hoso_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="hoso_audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="hoso_audit_lockout")
    mfa_signals.authenticator_added.connect(_HANDLERS["added"], dispatch_uid="hoso_2fa_add")
    mfa_signals.authenticator_removed.connect(_HANDLERS["removed"], dispatch_uid="hoso_2fa_rm")
    mfa_signals.authenticator_reset.connect(_HANDLERS["reset"], dispatch_uid="hoso_2fa_reset")
    mfa_signals.authentication_failed.connect(_HANDLERS["failed"], dispatch_uid="hoso_2fa_fail")
    social_signals.social_account_removed.connect(_sso_unlinked, dispatch_uid="hoso_sso_unlink")
