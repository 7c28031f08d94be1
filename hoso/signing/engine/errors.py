"""Domain errors of the signing engine; messages are shown to users (Vietnamese)."""

from __future__ import annotations


class SigningError(Exception):
    """A signing step failed; `message` is plain Vietnamese for the user, `code` for the app."""

    def __init__(self, message: str, code: str = "signing_failed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ValidationSetupError(SigningError):
    """The validator could not be set up (e.g. no trust root)."""
