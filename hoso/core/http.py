"""Small request helpers shared by every face."""

from __future__ import annotations

from typing import Any


def client_ip(request: Any) -> str:
    """The client's address as the audit log and the limits see it (REMOTE_ADDR; behind a
    reverse proxy, the proxy sets it). One place to change if that ever needs more."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))
