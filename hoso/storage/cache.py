"""Local copies of remote blobs, for the tools that need a path (LibreOffice, qpdf, OCR).

A copy is only ever put here complete and checked against its name; one unused for
`max_age` seconds is removed by `prune`, which the store runs now and then.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hoso.storage.base import check_sha256

_INCOMING = ".incoming"
_PRUNE_EVERY_SECONDS = 600.0


class BlobCache:
    def __init__(self, root: str | os.PathLike[str], *, max_age: float) -> None:
        self.root = Path(root)
        self.max_age = max_age
        self._incoming = self.root / _INCOMING
        self._pruned_at = 0.0

    def get(self, sha256: str) -> Path | None:
        """The cached copy, marked as used now; None if there is none."""
        path = self._path(sha256)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    @contextlib.contextmanager
    def spool(self) -> Iterator[tuple[Path, BinaryIO]]:
        """A temporary file under the cache, removed on leaving unless `adopt`ed."""
        self._incoming.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._incoming, prefix="spool-")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w+b") as out:
                yield tmp, out
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def adopt(self, tmp: Path, sha256: str) -> Path:
        """Make the complete, checked file `tmp` the cached copy of `sha256`."""
        path = self._path(sha256)
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)  # same name, same bytes: replacing a concurrent copy is harmless
        return path

    def discard(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(sha256).unlink()

    def prune(self, *, now: float | None = None) -> int:
        """Remove copies unused for `max_age` seconds (and stray spools); return how many."""
        now = time.time() if now is None else now
        self._pruned_at = now
        removed = 0
        for directory in (self.root, self._incoming):
            removed += _remove_older(directory, now - self.max_age)
        return removed

    def prune_now_and_then(self) -> None:
        if time.time() - self._pruned_at > _PRUNE_EVERY_SECONDS:
            self.prune()

    def _path(self, sha256: str) -> Path:
        return self.root / check_sha256(sha256)


def _remove_older(directory: Path, cutoff: float) -> int:
    removed = 0
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(directory):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
