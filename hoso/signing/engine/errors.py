"""Domain errors of the signing engine; messages are shown to users (Vietnamese)."""

from __future__ import annotations

from hoso.core.errors import DomainError


class SigningError(DomainError):
    """A signing step failed; `message` is plain Vietnamese for the user, `code` for the app.
    A DomainError, so every face answers it as a 400 with that message, never a 500."""

    def __init__(self, message: str, code: str = "signing_failed") -> None:
        super().__init__(message)
        self.code = code


class ValidationSetupError(SigningError):
    """The validator could not be set up (e.g. no trust root)."""
