"""S3BlobStore on its own, against moto as a separate HTTP server process: key layout,
server-side encryption, conditional writes, checks on read and the local copies for tools."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from hoso.storage import BlobCorrupt, LocalBlobStore, blob_store, factory
from hoso.storage.s3 import S3BlobStore
from hoso.storage.tests.conftest import MotoServer, S3Backend, s3_store

CONTENT = "Sổ điểm lớp 6A học kỳ I".encode() * 500
SHA = hashlib.sha256(CONTENT).hexdigest()
KEY = f"blobs/{SHA[:2]}/{SHA[2:4]}/{SHA}"
MIB = 1024 * 1024


@pytest.fixture
def s3(moto_server: MotoServer, bucket: str, tmp_path: Path) -> S3Backend:
    return S3Backend(moto_server, bucket, tmp_path / "cache")


def test_objects_are_keyed_like_the_local_tree_and_encrypted(s3: S3Backend) -> None:
    s3.store.put(io.BytesIO(CONTENT))

    head = s3.client.head_object(Bucket=s3.bucket, Key=KEY)

    assert head["ContentLength"] == len(CONTENT)
    assert head["ServerSideEncryption"] == "AES256"


def test_a_multipart_upload_is_encrypted_too(s3: S3Backend) -> None:
    big = os.urandom(9 * MIB)  # two parts of the 8 MiB part size

    ref = s3.store.put(io.BytesIO(big))

    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key(ref.sha256))
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ETag"].endswith('-2"')  # S3's mark of an object made of two parts
    assert s3.store.verify(ref.sha256)


def test_no_encryption_header_when_turned_off(moto_server, bucket: str, tmp_path: Path) -> None:
    store = s3_store(moto_server, bucket, tmp_path, sse="")

    store.put(io.BytesIO(CONTENT))

    head = moto_server.client().head_object(Bucket=bucket, Key=KEY)
    assert "ServerSideEncryption" not in head


@pytest.mark.parametrize("size", [len(CONTENT), 6 * MIB], ids=["one-put", "multipart"])
def test_the_server_refuses_to_overwrite_an_existing_object(
    moto_server: MotoServer, bucket: str, tmp_path: Path, size: int
) -> None:
    # Another writer's object appears between the store's HEAD and its write: the conditional
    # write (If-None-Match: *) must leave it as it is. Bytes that differ show who won.
    store = s3_store(moto_server, bucket, tmp_path, part_size=5 * MIB)
    content = (CONTENT * (size // len(CONTENT) + 1))[:size]
    sha = hashlib.sha256(content).hexdigest()
    key = f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"
    client = moto_server.client()
    client.put_object(Bucket=bucket, Key=key, Body=b"written first")
    heads = iter([False])  # the store's first HEAD came too early; later ones see the object
    store.exists = lambda _sha: next(heads, True)  # type: ignore[method-assign]

    store.put(io.BytesIO(content))

    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == b"written first"
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_reading_a_corrupt_object_raises_before_the_end(s3: S3Backend) -> None:
    s3.store.put(io.BytesIO(CONTENT))
    s3.corrupt(SHA, b"X" + CONTENT[1:])

    with s3.store.open(SHA) as blob, pytest.raises(BlobCorrupt) as raised:
        blob.read()

    assert raised.value.sha256 == SHA
    assert raised.value.actual == hashlib.sha256(b"X" + CONTENT[1:]).hexdigest()


def test_no_local_copy_is_kept_of_a_corrupt_object(s3: S3Backend) -> None:
    s3.store.put(io.BytesIO(CONTENT))
    s3.corrupt(SHA, b"hong")
    s3.store.cache.discard(SHA)  # the copy made by the upload

    with pytest.raises(BlobCorrupt):
        s3.store.path_for(SHA)

    assert s3.store.cache.get(SHA) is None
    assert list((s3.store.cache.root / ".incoming").iterdir()) == []


def test_local_copies_are_checked_read_only_and_go_with_the_blob(s3: S3Backend) -> None:
    s3.store.put(io.BytesIO(CONTENT))
    s3.store.cache.discard(SHA)

    path = s3.store.path_for(SHA)

    assert path.parent == s3.store.cache.root and path.read_bytes() == CONTENT
    assert path.stat().st_mode & 0o777 == 0o444
    assert s3.store.delete(SHA, destruction="đề nghị 4")
    assert not path.exists()


def test_unused_local_copies_are_pruned(s3: S3Backend) -> None:
    path = s3.store.path_for(s3.store.put(io.BytesIO(CONTENT)).sha256)
    os.utime(path, (0, 0))

    assert s3.store.cache.prune() == 1
    assert not path.exists()
    assert s3.store.path_for(SHA).read_bytes() == CONTENT  # fetched again when needed


def test_settings_choose_the_store(settings, moto_server: MotoServer, bucket: str) -> None:
    assert isinstance(blob_store(), LocalBlobStore)  # the embedded default

    settings.HOSO_BLOB_STORE = "s3"
    settings.HOSO_S3_BUCKET = bucket
    settings.HOSO_S3_ENDPOINT_URL = moto_server.endpoint_url
    store = blob_store()

    assert isinstance(store, S3BlobStore)
    assert store.config.bucket == bucket and store.config.sse == "AES256"
    settings.HOSO_S3_SSE = "off"
    assert blob_store().config.sse == ""  # type: ignore[attr-defined]


def test_threads_asking_at_once_share_one_store_and_one_client(settings, monkeypatch) -> None:
    # Given a web process's first requests, eight threads asking for the store together, and a
    # client as slow to build as botocore's (it reads the S3 model, ~15 MB that stays)
    settings.HOSO_BLOB_STORE = "s3"
    settings.HOSO_S3_BUCKET = "mot-tien-trinh"
    settings.HOSO_S3_CACHE_DIR = "/tmp/hoso-test-one-client"  # noqa: S108 — never written here
    built: list[object] = []

    def slow_client(config: Any) -> object:
        time.sleep(0.2)
        built.append(object())
        return built[-1]

    monkeypatch.setattr("hoso.storage.s3.s3_client", slow_client)
    factory._s3_store.cache_clear()
    start = threading.Barrier(8)
    stores: list[Any] = []

    def ask() -> None:
        start.wait()
        stores.append(blob_store())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    # When
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one store and one client were built, and every thread got them
    factory._s3_store.cache_clear()
    assert len(built) == 1
    assert len({id(store) for store in stores}) == 1
    assert all(store._client is built[0] for store in stores)


def test_a_wrong_store_setting_is_refused(settings) -> None:
    settings.HOSO_BLOB_STORE = "ftp"
    with pytest.raises(ImproperlyConfigured, match="HOSO_BLOB_STORE"):
        blob_store()

    settings.HOSO_BLOB_STORE = "s3"
    settings.HOSO_S3_BUCKET = ""
    with pytest.raises(ImproperlyConfigured, match="HOSO_S3_BUCKET"):
        blob_store()
