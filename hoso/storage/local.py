"""A local-directory blob store: `<root>/ab/cd/<sha256>`, files read-only once written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hoso.storage.base import BlobNotFound, BlobRef, BlobStore, check_sha256
from hoso.storage.hashing import CHUNK, copy_hashing

_READ_ONLY = 0o444
# Temporary files live under the root so that the final link is on the same file system.
_INCOMING = ".incoming"


class LocalBlobStore(BlobStore):
    """Blobs in a directory tree. Safe for concurrent writers (threads and processes).

    A blob appears only through `os.link` of a complete, fsynced temporary file, which fails
    if the name exists: nothing is ever overwritten and a crash leaves at most a stray file
    in `.incoming/` (see `remove_stale_incoming`).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._incoming = self.root / _INCOMING

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> BlobRef:
        self._incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._incoming, prefix="put-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, size = copy_hashing(stream, out, max_bytes)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, _READ_ONLY)
            self._publish(tmp, sha256)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return BlobRef(sha256=sha256, size=size)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self._final_path(sha256), "rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self._final_path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self._final_path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def path_for(self, sha256: str) -> Path:
        path = self._final_path(sha256)
        if not path.is_file():
            raise BlobNotFound(sha256)
        return path

    def verify(self, sha256: str) -> bool:
        digest = hashlib.sha256()
        with self.open(sha256) as blob:
            while chunk := blob.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def delete(
        self, sha256: str, *, destruction: str, untouched_since: float | None = None
    ) -> bool:
        if not destruction:
            raise ValueError("a blob is removed only by a destruction (biên bản tiêu hủy)")
        path = self._final_path(sha256)
        try:
            if untouched_since is not None and path.stat().st_mtime > untouched_since:
                return False  # stored again just now: an upload may be about to point at it
            os.unlink(path)
        except FileNotFoundError:
            return False  # already removed (a re-run after a crash)
        _fsync_dir(path.parent)
        return True

    def iter_all(self) -> Iterator[BlobRef]:
        for first in _hex_dirs(self.root, 2):
            for second in _hex_dirs(first, 2):
                for entry in os.scandir(second):
                    if entry.is_file() and _is_sha256(entry.name):
                        yield BlobRef(sha256=entry.name, size=entry.stat().st_size)

    def remove_stale_incoming(self, older_than_seconds: float = 24 * 3600) -> int:
        """Delete temporary files left by crashed writers; return how many were removed."""
        if not self._incoming.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in os.scandir(self._incoming):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
        return removed

    def _final_path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _publish(self, tmp: Path, sha256: str) -> None:
        final = self._final_path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(tmp, final)
        except FileExistsError:
            # Same hash, same content: another writer (or an earlier upload) won. Mark it as
            # stored again, so a destruction sweep running now does not remove it (`delete`).
            with contextlib.suppress(OSError):
                os.utime(final)
            return
        _fsync_dir(final.parent)


def _fsync_dir(directory: Path) -> None:
    # The new directory entry must survive a power cut too, not only the file's data.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hex_dirs(parent: Path, width: int) -> Iterator[Path]:
    if not parent.is_dir():
        return
    for entry in os.scandir(parent):
        if entry.is_dir() and len(entry.name) == width and _is_hex(entry.name):
            yield Path(entry.path)


def _is_hex(name: str) -> bool:
    return all(c in "0123456789abcdef" for c in name)


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and _is_hex(name)
