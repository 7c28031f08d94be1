"""Invitation secrets: a printed code a parent can type, or a long token for an e-mail link.
Only a keyed hash (HMAC-SHA256 with the site's secret key) is stored, so the table alone does
not let anyone redeem a code; both are long enough that guessing one is hopeless at the rate
limit of the redeem page."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: a parent copies the code from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 7.9·10^17


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalise(secret: str) -> str:
    """A printed code typed with spaces, dashes or small letters is the same code."""
    cleaned = secret.strip()
    squeezed = cleaned.replace("-", "").replace(" ", "").upper()
    if len(squeezed) == CODE_LENGTH and all(c in ALPHABET for c in squeezed):
        return squeezed
    return cleaned


def secret_hash(secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise(secret).encode(), hashlib.sha256).hexdigest()
