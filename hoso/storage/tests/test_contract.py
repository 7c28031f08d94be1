"""What every blob store promises, run against the local directory and against a bucket on an
S3-compatible server (moto, a separate process on loopback: see conftest.py)."""

from __future__ import annotations

import hashlib
import io
import math
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest

from hoso.storage import BlobNotFound, BlobRef, BlobTooLarge
from hoso.storage.tests.conftest import Backend

CONTENT = "Kế hoạch bài dạy tuần 12".encode() * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()
BIG = 20 * 1024 * 1024


class Pattern(io.RawIOBase):
    """`size` bytes of a repeating pattern, made as they are read: an upload that is never
    in memory as a whole."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.left = size
        self.block = bytes(range(256)) * 4096  # 1 MiB

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        count = min(len(buffer), self.left, len(self.block))
        buffer[:count] = self.block[:count]
        self.left -= count
        return count


def _pattern_sha256(size: int) -> str:
    digest = hashlib.sha256()
    stream = Pattern(size)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def test_put_returns_the_hash_and_the_blob_reads_back(backend: Backend) -> None:
    store = backend.store

    ref = store.put(io.BytesIO(CONTENT))

    assert ref == BlobRef(sha256=SHA, size=len(CONTENT))
    with store.open(SHA) as blob:
        assert blob.read() == CONTENT
    assert store.path_for(SHA).read_bytes() == CONTENT
    assert store.exists(SHA)
    assert store.size(SHA) == len(CONTENT)
    assert store.verify(SHA)


def test_identical_content_is_stored_once(backend: Backend) -> None:
    backend.store.put(io.BytesIO(CONTENT))

    ref = backend.store.put(io.BytesIO(CONTENT))

    assert ref.sha256 == SHA
    assert list(backend.store.iter_all()) == [BlobRef(SHA, len(CONTENT))]


def test_empty_stream_is_a_valid_blob(backend: Backend) -> None:
    ref = backend.store.put(io.BytesIO(b""))

    assert ref == BlobRef(sha256=hashlib.sha256(b"").hexdigest(), size=0)
    with backend.store.open(ref.sha256) as blob:
        assert blob.read() == b""


def test_crash_mid_write_leaves_no_visible_blob(backend: Backend) -> None:
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

    with pytest.raises(OSError, match="connection reset"):
        backend.store.put(Exploding())

    assert list(backend.store.iter_all()) == []


def test_max_bytes_refuses_and_stores_nothing(backend: Backend) -> None:
    with pytest.raises(BlobTooLarge):
        backend.store.put(io.BytesIO(CONTENT), max_bytes=len(CONTENT) - 1)

    assert not backend.store.exists(SHA)
    assert list(backend.store.iter_all()) == []


def test_concurrent_threads_putting_same_content(backend: Backend) -> None:
    store = backend.store

    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(lambda _: store.put(io.BytesIO(CONTENT)), range(16)))

    assert {r.sha256 for r in refs} == {SHA}
    assert list(store.iter_all()) == [BlobRef(SHA, len(CONTENT))]
    assert store.verify(SHA)


def test_verify_detects_bit_rot(backend: Backend) -> None:
    backend.store.put(io.BytesIO(CONTENT))
    assert backend.store.verify(SHA)

    backend.corrupt(SHA, b"X" + CONTENT[1:])

    assert backend.store.verify(SHA) is False


def test_iter_all_lists_every_blob_with_size(backend: Backend) -> None:
    blobs = [b"mot", b"hai", b"ba"]
    for blob in blobs:
        backend.store.put(io.BytesIO(blob))

    listed = sorted(backend.store.iter_all(), key=lambda r: r.sha256)

    expected = sorted(
        (BlobRef(hashlib.sha256(b).hexdigest(), len(b)) for b in blobs), key=lambda r: r.sha256
    )
    assert listed == expected


@pytest.mark.parametrize("bad", ["../../etc/passwd", "AB" * 32, SHA[:-1], SHA + "0", ""])
def test_hash_argument_must_be_a_sha256(backend: Backend, bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        backend.store.open(bad)


def test_missing_blob_raises_not_found(backend: Backend) -> None:
    store = backend.store

    assert not store.exists(SHA)
    for read in (store.open, store.path_for, store.verify, store.size):
        with pytest.raises(BlobNotFound):
            read(SHA)


def test_a_lost_blob_is_not_found(backend: Backend) -> None:
    backend.store.put(io.BytesIO(CONTENT))

    backend.lose(SHA)

    assert not backend.store.exists(SHA)
    assert list(backend.store.iter_all()) == []
    with pytest.raises(BlobNotFound):
        backend.store.verify(SHA)


def test_a_big_file_streams_through_in_bounded_memory(backend: Backend) -> None:
    expected = _pattern_sha256(BIG)
    with backend.store.open(backend.store.put(io.BytesIO(b"warm up")).sha256) as blob:
        blob.read()  # the client's one-time set-up is not what is measured
    tracemalloc.start()
    try:
        ref = backend.store.put(io.BufferedReader(Pattern(BIG)))
        digest = hashlib.sha256()
        with backend.store.open(ref.sha256) as blob:
            while chunk := blob.read(1024 * 1024):
                digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert ref == BlobRef(expected, BIG)
    assert digest.hexdigest() == expected
    # Chunks of 1 MiB in flight, a few at a time: about 4.4 MB on S3 for 20 or 40 MB alike.
    assert peak < 6 * 1024 * 1024, f"peak {peak} bytes for a {BIG}-byte file"


# `delete` exists for the destruction of records only: explicit, idempotent, and it leaves
# alone a blob that was stored again after the caller checked its references.


def test_delete_needs_a_destruction_and_is_idempotent(backend: Backend) -> None:
    store = backend.store
    ref = store.put(io.BytesIO(b"bien ban"))
    with pytest.raises(ValueError):
        store.delete(ref.sha256, destruction="")
    assert store.exists(ref.sha256)

    assert store.delete(ref.sha256, destruction="đề nghị 1") is True
    assert not store.exists(ref.sha256)
    assert list(store.iter_all()) == []
    assert store.delete(ref.sha256, destruction="đề nghị 1") is False  # a re-run


def _next_second() -> float:
    """Now, then a wait past the next whole second: object stores keep times to the second."""
    now = time.time()
    time.sleep(math.ceil(now) - now + 0.05)
    return now


def test_a_blob_stored_again_after_the_check_is_kept(backend: Backend) -> None:
    store = backend.store
    ref = store.put(io.BytesIO(b"noi dung dung chung"))
    checked_at = _next_second()

    store.put(io.BytesIO(b"noi dung dung chung"))  # a duplicate upload, after the check

    assert store.delete(ref.sha256, destruction="đề nghị 2", untouched_since=checked_at) is False
    assert store.exists(ref.sha256)
    assert store.verify(ref.sha256)


def test_an_untouched_blob_is_removed(backend: Backend) -> None:
    store = backend.store
    ref = store.put(io.BytesIO(b"ke hoach bai day 2018"))
    checked_at = time.time()

    assert store.delete(ref.sha256, destruction="đề nghị 3", untouched_since=checked_at)
    assert not store.exists(ref.sha256)
