"""Errors of the file layer. Messages are Vietnamese, meant for the person who uploaded."""

from __future__ import annotations

from hoso.core.errors import DomainError


class UnsafeFileError(DomainError):
    """The file is refused: hostile, broken, of a type we do not take, or badly named.

    `code` is stable (for the API and tests); `message` says what happened and what to do.
    """

    code = "file.unsafe"
    status = 422

    def __init__(self, message: str, *, code: str = "file.unsafe") -> None:
        super().__init__(message)
        self.code = code


class ConversionUnavailable(DomainError):
    """A tool (LibreOffice, tesseract, poppler) is not installed; the original is kept."""

    code = "conversion.unavailable"
    status = 503


class ConversionFailed(DomainError):
    """The tool ran but produced nothing usable (timeout, crash, empty output)."""

    code = "conversion.failed"
    status = 422
