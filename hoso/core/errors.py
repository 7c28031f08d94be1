"""Domain errors carry a Vietnamese message meant for the person who caused them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_noop

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# A hidden object and a missing one get the same answer (no guessing what exists). A plain
# string marked for the catalogue (many apps compare and embed it); translated where shown:
# by DomainError below, the error pages and the API's error handler.
NOT_FOUND_MESSAGE = gettext_noop("Không tìm thấy hoặc bạn không có quyền xem mục này.")


class DomainError(Exception):
    """A rule was broken; nothing was changed. `message` is shown to the user as is."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: _StrOrPromise, *, fields: dict[str, list[str]] | None = None
    ) -> None:
        # A message made at import time (gettext_lazy) is put in the current language here.
        message = str(message)
        if message == NOT_FOUND_MESSAGE:
            message = gettext(NOT_FOUND_MESSAGE)
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
