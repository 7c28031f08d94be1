"""The stores under test: the local directory, and a bucket on a real HTTP server.

The S3-compatible server is moto in server mode, run as a separate process on loopback: it
stands in, at the wire level, for AWS S3, MinIO or Ceph RGW. The store talks to it through
boto3 exactly as it would to those.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hoso.storage import BlobStore, LocalBlobStore

_START_TIMEOUT = 30.0


class MotoServer:
    """The server process and a boto3 client of the tests' own, to act behind the store."""

    def __init__(self, endpoint_url: str, process: subprocess.Popen[bytes]) -> None:
        self.endpoint_url = endpoint_url
        self.process = process
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id="hoso-test",
                aws_secret_access_key="hoso-test-secret",  # noqa: S106 — moto takes any key
            )
        return self._client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"moto server did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """`python -m moto.server` as a child process on a free loopback port, for the session."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
    )
    try:
        _wait_for_port(port, process)
        yield MotoServer(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def bucket(moto_server: MotoServer) -> str:
    """A new, empty bucket for one test."""
    name = f"hoso-{uuid.uuid4().hex[:20]}"
    moto_server.client().create_bucket(Bucket=name)
    return name


def s3_store(moto_server: MotoServer, bucket: str, cache_dir: Path, **config: Any) -> Any:
    from hoso.storage.cache import BlobCache
    from hoso.storage.s3 import S3BlobStore, S3Config

    settings = S3Config(
        bucket=bucket,
        endpoint_url=moto_server.endpoint_url,
        region="us-east-1",
        access_key_id="hoso-test",
        secret_access_key="hoso-test-secret",  # noqa: S106
        **config,
    )
    return S3BlobStore(settings, cache=BlobCache(cache_dir, max_age=3600))


class Backend(ABC):
    """A store under test, and what a test does to it from outside (bit rot, loss)."""

    store: BlobStore

    @abstractmethod
    def corrupt(self, sha256: str, data: bytes) -> None:
        """Replace the stored bytes behind the store's back."""

    @abstractmethod
    def lose(self, sha256: str) -> None:
        """Remove the stored bytes behind the store's back."""


class LocalBackend(Backend):
    def __init__(self, root: Path) -> None:
        self.store = LocalBlobStore(root)

    def corrupt(self, sha256: str, data: bytes) -> None:
        path = self.store.path_for(sha256)
        path.chmod(0o644)
        path.write_bytes(data)

    def lose(self, sha256: str) -> None:
        self.store.path_for(sha256).unlink()


class S3Backend(Backend):
    def __init__(self, moto_server: MotoServer, bucket: str, cache_dir: Path) -> None:
        self.store = s3_store(moto_server, bucket, cache_dir)
        self.client = moto_server.client()
        self.bucket = bucket

    def key(self, sha256: str) -> str:
        return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def corrupt(self, sha256: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=data)

    def lose(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        return LocalBackend(tmp_path / "blobs")
    server = request.getfixturevalue("moto_server")
    return S3Backend(server, request.getfixturevalue("bucket"), tmp_path / "cache")
