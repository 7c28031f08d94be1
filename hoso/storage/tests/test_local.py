"""LocalBlobStore: content addressing, write-once, crash safety, concurrency, scrub."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hoso.storage import BlobNotFound, BlobRef, BlobTooLarge, LocalBlobStore

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


def test_empty_stream_is_a_valid_blob(tmp_path: Path) -> None:
    ref = LocalBlobStore(tmp_path).put(io.BytesIO(b""))

    assert ref == BlobRef(sha256=hashlib.sha256(b"").hexdigest(), size=0)


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


def test_max_bytes_refuses_and_stores_nothing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)

    with pytest.raises(BlobTooLarge):
        store.put(io.BytesIO(CONTENT), max_bytes=len(CONTENT) - 1)

    assert not store.exists(SHA)
    assert _visible_blobs(tmp_path) == []


def test_concurrent_threads_putting_same_content(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)

    with ThreadPoolExecutor(max_workers=16) as pool:
        refs = list(pool.map(lambda _: store.put(io.BytesIO(CONTENT)), range(64)))

    assert {r.sha256 for r in refs} == {SHA}
    assert _visible_blobs(tmp_path) == [store.path_for(SHA)]
    assert store.verify(SHA)


def _put_in_child(root: str) -> str:
    return LocalBlobStore(root).put(io.BytesIO(CONTENT)).sha256


def test_concurrent_processes_putting_same_content(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        hashes = pool.map(_put_in_child, [str(tmp_path)] * 8)

    assert set(hashes) == {SHA}
    assert _visible_blobs(tmp_path) == [LocalBlobStore(tmp_path).path_for(SHA)]


def test_verify_detects_bit_rot(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(io.BytesIO(CONTENT))
    path = store.path_for(SHA)
    assert store.verify(SHA)

    path.chmod(0o644)
    path.write_bytes(b"X" + CONTENT[1:])

    assert store.verify(SHA) is False


def test_iter_all_lists_every_blob_with_size(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    blobs = [b"mot", b"hai", b"ba"]
    for blob in blobs:
        store.put(io.BytesIO(blob))

    listed = sorted(store.iter_all(), key=lambda r: r.sha256)

    expected = sorted(
        (BlobRef(hashlib.sha256(b).hexdigest(), len(b)) for b in blobs), key=lambda r: r.sha256
    )
    assert listed == expected


@pytest.mark.parametrize("bad", ["../../etc/passwd", "AB" * 32, SHA[:-1], SHA + "0", ""])
def test_hash_argument_cannot_escape_the_root(tmp_path: Path, bad: str) -> None:
    store = LocalBlobStore(tmp_path)

    with pytest.raises(ValueError, match="SHA-256"):
        store.open(bad)


def test_missing_blob_raises_not_found(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)

    assert not store.exists(SHA)
    with pytest.raises(BlobNotFound):
        store.open(SHA)
    with pytest.raises(BlobNotFound):
        store.path_for(SHA)
    with pytest.raises(BlobNotFound):
        store.verify(SHA)
