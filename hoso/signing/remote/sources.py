"""Where the documents of a remote request come from. `signing` knows nothing of records: an
app registers a source (records registers "records") that prepares its documents for a
two-phase signature and completes them with the signatures the provider returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from hoso.core.errors import DomainError


@dataclass(frozen=True)
class PreparedDocument:
    object_id: int
    title: str
    session_ref: int  # the source's prepared session (kept until completed or discarded)
    signed_attrs: bytes  # what the key signs (its SHA-256 is shown to the provider)


class DocumentSource(Protocol):
    def prepare(
        self, *, actor: Any, object_ids: list[int], certificate: Any, ip: str, purpose: str
    ) -> tuple[list[PreparedDocument], list[tuple[int, str]]]:
        """Prepare each document the actor may sign now (`purpose` "sign": their own signature;
        "seal": the organisation's, with the school's `certificate`); (prepared, [(id, why
        not)])."""
        ...

    def complete(
        self, *, actor: Any, object_id: int, session_ref: int, signature: bytes, ip: str
    ) -> None:
        """Embed the signature (own transaction: the document is signed fully or not at all);
        DomainError with the Vietnamese reason otherwise."""
        ...

    def discard(self, *, session_refs: list[int]) -> None:
        """Forget prepared sessions that will never be completed."""
        ...


_SOURCES: dict[str, DocumentSource] = {}


def register_source(name: str, source: DocumentSource) -> None:
    _SOURCES[name] = source


def source(name: str) -> DocumentSource:
    found = _SOURCES.get(name)
    if found is None:
        raise DomainError(_("Loại tài liệu này chưa ký từ xa được."))
    return found
