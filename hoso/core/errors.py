"""Domain errors carry a Vietnamese message meant for the person who caused them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# A hidden object and a missing one get the same answer (no guessing what exists).
NOT_FOUND_MESSAGE = gettext_lazy("Không tìm thấy hoặc bạn không có quyền xem mục này.")


class DomainError(Exception):
    """A rule was broken; nothing was changed. `message` is shown to the user as is."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
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
