"""LocalBlobStore on its own: the directory layout, read-only files, crash leftovers and
writers in several processes. What every store promises is in test_contract.py."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from hoso.storage import BlobRef, LocalBlobStore

CONTENT = "Kế hoạch bài dạy tuần 12".encode() * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()


def _visible_blobs(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts]


def test_put_stores_under_sharded_hash_path(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)

    ref = store.put(io.BytesIO(CONTENT))

    assert ref == BlobRef(sha256=SHA, size=len(CONTENT))
    assert store.path_for(SHA) == tmp_path / SHA[:2] / SHA[2:4] / SHA
    assert store.path_for(SHA).read_bytes() == CONTENT
    with store.open(SHA) as blob:
        assert blob.read() == CONTENT
    assert store.exists(SHA)
    assert store.size(SHA) == len(CONTENT)


def test_blob_is_read_only(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(io.BytesIO(CONTENT))

    mode = stat.S_IMODE(store.path_for(SHA).stat().st_mode)

    assert mode == 0o444


def test_identical_content_is_stored_once_and_never_rewritten(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(io.BytesIO(CONTENT))
    inode_before = store.path_for(SHA).stat().st_ino

    ref = store.put(io.BytesIO(CONTENT))

    assert ref.sha256 == SHA
    assert store.path_for(SHA).stat().st_ino == inode_before
    assert _visible_blobs(tmp_path) == [store.path_for(SHA)]
    assert list((tmp_path / ".incoming").iterdir()) == []


def test_crash_mid_write_leaves_no_visible_blob(tmp_path: Path) -> None:
    class Exploding(io.BytesIO):
        """An upload whose connection drops after a few chunks."""

        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def read(self, size: int | None = -1) -> bytes:
            self.calls += 1
            if self.calls > 3:
                raise OSError("connection reset")
            return b"data"

    store = LocalBlobStore(tmp_path)

    with pytest.raises(OSError, match="connection reset"):
        store.put(Exploding())

    assert _visible_blobs(tmp_path) == []
    assert list(store.iter_all()) == []


def test_killed_writer_leftover_is_invisible_and_cleaned(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(io.BytesIO(b"x"))
    stray = tmp_path / ".incoming" / "put-crashed"
    stray.write_bytes(CONTENT[:100])
    os.utime(stray, (0, 0))

    assert [r.sha256 for r in store.iter_all()] == [hashlib.sha256(b"x").hexdigest()]
    assert store.remove_stale_incoming(older_than_seconds=60) == 1
    assert not stray.exists()


def _put_in_child(root: str) -> str:
    return LocalBlobStore(root).put(io.BytesIO(CONTENT)).sha256


def test_concurrent_processes_putting_same_content(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        hashes = pool.map(_put_in_child, [str(tmp_path)] * 8)

    assert set(hashes) == {SHA}
    assert _visible_blobs(tmp_path) == [LocalBlobStore(tmp_path).path_for(SHA)]
