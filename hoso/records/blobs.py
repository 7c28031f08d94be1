"""The blob store records use: files by SHA-256 under settings.DATA_DIR/"blobs"."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from hoso.storage import BlobStore, LocalBlobStore

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024


@cache
def _store_at(root: str) -> BlobStore:
    return LocalBlobStore(root)


def blob_store() -> BlobStore:
    # Read at call time, not import time: tests move DATA_DIR.
    return _store_at(str(Path(settings.DATA_DIR) / "blobs"))


def max_upload_bytes() -> int:
    return int(getattr(settings, "HOSO_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD))
