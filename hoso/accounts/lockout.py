"""django-axes integration: which username an attempt counts against."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The username an attempt was made for, whichever face it came through: allauth and the
    API pass {"username": …}; a raw POST of the login form carries "login"."""
    if credentials:
        value = credentials.get("username") or credentials.get("login") or ""
    else:
        value = request.POST.get("login") or request.POST.get("username") or ""
    return str(value).strip()[:150]


# Per-address lockout. A school shares one public address behind NAT, so the address limit is
# far higher than the account limit (django-axes, AXES_FAILURE_LIMIT): a few teachers' typos
# must not lock out the whole school, while one machine trying many accounts is stopped.
IP_FAILURE_GROUP = "hoso:login-failed-ip"


def _ip_key(_group: str, request: HttpRequest) -> str:
    from hoso.core.http import client_ip

    return client_ip(request)


def _ip_rate() -> str:
    from django.conf import settings

    return f"{settings.HOSO_LOCKOUT_IP_FAILURES}/{settings.HOSO_LOCKOUT_MINUTES}m"


def ip_failure_record(request: HttpRequest) -> bool:
    """Count one failed login from the request's address; True when this failure locked it."""
    from django_ratelimit.core import get_usage

    usage = get_usage(request, group=IP_FAILURE_GROUP, key=_ip_key, rate=_ip_rate(), increment=True)
    return bool(usage and usage["count"] == usage["limit"])


def ip_is_locked(request: HttpRequest) -> bool:
    from django_ratelimit.core import get_usage

    usage = get_usage(
        request, group=IP_FAILURE_GROUP, key=_ip_key, rate=_ip_rate(), increment=False
    )
    return bool(usage and usage["count"] >= usage["limit"])
