"""Hashing while copying or reading, in bounded chunks: the stores never hold a whole file."""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO, Protocol

from hoso.storage.base import BlobCorrupt, BlobTooLarge

CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


def copy_hashing(stream: BinaryIO, out: BinaryIO, max_bytes: int | None) -> tuple[str, int]:
    """Copy `stream` into `out`; return the SHA-256 and size. BlobTooLarge past `max_bytes`."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise BlobTooLarge(f"stream longer than {max_bytes} bytes")
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest(), size


class VerifyingReader(io.RawIOBase):
    """Reads a blob from `source`, hashing as it goes; once `size` bytes (or the end) are
    read, a hash that is not `sha256` raises BlobCorrupt — before the caller sees the end."""

    def __init__(self, source: Readable, sha256: str, size: int | None = None) -> None:
        super().__init__()
        self._source = source
        self._sha256 = sha256
        self._size = size
        self._digest = hashlib.sha256()
        self._read = 0
        self._actual: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer)) if len(buffer) else b""
        if data:
            buffer[: len(data)] = data
            self._digest.update(data)
            self._read += len(data)
        if not data or self._read == self._size:
            self._check()
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()

    def _check(self) -> None:
        if self._actual is None:
            self._actual = self._digest.hexdigest()
        if self._actual != self._sha256:  # again on every later read: never a quiet end
            raise BlobCorrupt(self._sha256, self._actual)


def verifying_stream(source: Readable, sha256: str, size: int | None = None) -> BinaryIO:
    """`source` as a buffered binary file whose reads are checked against `sha256`."""
    return io.BufferedReader(VerifyingReader(source, sha256, size), buffer_size=CHUNK)
