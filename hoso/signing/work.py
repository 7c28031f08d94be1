"""What waits for a signature, told by the app that owns the documents (records), so that
signing lists and signs them without knowing what they are: the "Chờ ký" and "Chờ đóng dấu"
queues, the documents approved this week, one pending step signed with a key HoSo reaches
(the queue page, batches), and the signatures panel of a document. The owner registers its
provider from its AppConfig.ready (`register_work`)."""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class SigningWork(Protocol):
    def sign_queue(self, user: Any) -> QuerySet[Any]:
        """Open steps waiting for `user`'s personal signature (rows with `record_id`)."""
        ...

    def seal_queue(self, user: Any) -> QuerySet[Any]:
        """Open steps waiting for a seal `user` may apply (rows with `record__school_id`)."""
        ...

    def approved_this_week(self, user: Any) -> list[int]: ...

    def sign_step(
        self,
        *,
        actor: Any,
        object_id: int,
        seal: bool,
        passphrase: str | None = None,
        pin: str | None = None,
        certificate_id: int | None = None,
        signer: Any = None,
        ip: str = "",
    ) -> Any:
        """Sign (or seal) the step of `object_id` waiting for `actor`; the SignatureRecord."""
        ...

    def part_note(self, user: Any, item: Any) -> str:
        """What of the document is `user`'s own to sign, in words ("" for the whole of it):
        a book that many sign, each their own part."""
        ...

    def parts(self, user: Any, item: Any) -> list[str]:
        """The names of the parts `user` still signs, one signature each, in signing order
        ([] for a document signed once, as a whole)."""
        ...

    def signatures_panel(self, user: Any, object_id: int) -> dict[str, Any]:
        """The template context of a document's signatures panel (404 when hidden)."""
        ...


_WORK: list[SigningWork] = []


def register_work(work: SigningWork) -> None:
    _WORK[:] = [work]


def work() -> SigningWork:
    if not _WORK:
        raise ImproperlyConfigured("No app registered the documents that wait for a signature.")
    return _WORK[0]
