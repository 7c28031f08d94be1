"""Secrets kept at rest in the database (a batch's passphrase on its way to the worker, a
signing provider's client secret), encrypted with a key derived from SECRET_KEY and a purpose:
a database dump alone reveals none of them, and a value sealed for one purpose does not open
for another."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretGone(Exception):
    """The sealed value cannot be opened: the key changed (a new SECRET_KEY) or it is damaged."""


def _fernet(purpose: str) -> Fernet:
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, text: str) -> str:
    """`text` encrypted for `purpose` (an empty text too: it may be a valid passphrase)."""
    return _fernet(purpose).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(purpose: str, token: str) -> str:
    """The text sealed for `purpose`; SecretGone when it cannot be opened."""
    try:
        return _fernet(purpose).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SecretGone from exc


def seal_or_empty(purpose: str, text: str) -> str:
    """For optional secrets kept in a column: "" stays "" (nothing to hide)."""
    return seal(purpose, text) if text else ""


def unseal_or_empty(purpose: str, token: str) -> str:
    """The secret, or "" when there is none or it cannot be opened (a new SECRET_KEY): the
    service that needs it then refuses with its own message, as if it had never been typed."""
    if not token:
        return ""
    try:
        return unseal(purpose, token)
    except SecretGone:
        return ""
