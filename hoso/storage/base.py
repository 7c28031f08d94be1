"""The blob store interface: files kept by the SHA-256 of their content, written once."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_SHA256_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BlobRef:
    """What the database keeps about a blob."""

    sha256: str
    size: int


class BlobStoreError(Exception):
    """Base for storage failures (an operator problem, not a user's)."""


class BlobNotFound(BlobStoreError, KeyError):
    """No blob with this hash is stored."""


class BlobTooLarge(BlobStoreError):
    """The stream was longer than the `max_bytes` the caller allowed; nothing was stored."""


class BlobCorrupt(BlobStoreError):
    """The bytes read back do not hash to the blob's name (bit rot, tampering)."""

    def __init__(self, sha256: str, actual: str) -> None:
        super().__init__(f"blob {sha256} reads back as {actual}")
        self.sha256 = sha256
        self.actual = actual


def check_sha256(sha256: str) -> str:
    """Return `sha256` if it is 64 lowercase hex digits; it becomes a path, so no other shape."""
    if not isinstance(sha256, str) or not _SHA256_RE.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


class BlobStore(ABC):
    """Content-addressed, write-once storage. Identical content is stored once."""

    @abstractmethod
    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> BlobRef:
        """Store everything read from `stream`; return its hash and size."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading (binary). Raises BlobNotFound. A store reached over
        the network re-hashes while reading and raises BlobCorrupt instead of the last bytes."""

    @abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether a blob with this hash is stored."""

    @abstractmethod
    def size(self, sha256: str) -> int:
        """Size in bytes of a stored blob. Raises BlobNotFound."""

    @abstractmethod
    def path_for(self, sha256: str) -> Path:
        """A local, read-only path to the blob (for LibreOffice, qpdf, …): the file itself, or
        a checked local copy of a remote one. Raises BlobNotFound (or BlobCorrupt)."""

    @abstractmethod
    def verify(self, sha256: str) -> bool:
        """Re-hash the stored bytes: True if they still match. Raises BlobNotFound if lost."""

    @abstractmethod
    def delete(
        self, sha256: str, *, destruction: str, untouched_since: float | None = None
    ) -> bool:
        """Remove a blob. ONLY for the destruction of records past their retention period
        (hoso.retention), which checks that no live version refers to it and audits the
        removal; `destruction` names the biên bản. A blob stored again (a duplicate upload)
        after `untouched_since` (epoch seconds) is left alone. True if it was removed."""

    @abstractmethod
    def iter_all(self) -> Iterator[BlobRef]:
        """Every stored blob, in no particular order (for the scrub and for backups)."""
