"""Secrets at rest: OAuth client secrets and provider handles (authorization id, SAD) are kept
encrypted with a key derived from SECRET_KEY; a database dump alone does not reveal them."""

from __future__ import annotations

from hoso.core import secrets

PURPOSE = "hoso-remote-signing"


def seal(text: str) -> str:
    return secrets.seal_or_empty(PURPOSE, text)


def unseal(token: str) -> str:
    """The secret, or "" when it cannot be opened (the provider then refuses, in Vietnamese)."""
    return secrets.unseal_or_empty(PURPOSE, token)
