"""Small request helpers shared by every face."""

from __future__ import annotations

from typing import Any

from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: Any) -> str:
    """The client's address as the audit log and the limits see it (REMOTE_ADDR; behind a
    reverse proxy, the proxy sets it). One place to change if that ever needs more."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


def safe_redirect_target(request: Any, candidate: str | None, fallback: str) -> str:
    """`candidate` (a `next`/`back` value from the request) when it points into this site, else
    `fallback`. Django's check refuses other hosts, other schemes, `//host`, `/\\host`, control
    characters; every redirect whose target comes from the request goes through here."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
