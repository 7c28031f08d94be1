"""The one blob store every app uses, chosen by settings at call time (tests move DATA_DIR).

Today the store is a local directory, DATA_DIR/blobs. An object-storage backend plugs in here and
nowhere else: apps call `blob_store()` and never build a store of their own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from hoso.storage.base import BlobStore
from hoso.storage.local import LocalBlobStore

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024


def blob_root() -> Path:
    return Path(settings.DATA_DIR) / "blobs"


@cache
def _local_store_at(root: str) -> BlobStore:
    return LocalBlobStore(root)


def blob_store() -> BlobStore:
    return _local_store_at(str(blob_root()))


def max_upload_bytes() -> int:
    """The largest file a person may upload (HOSO_UPLOAD_MAX_BYTES, 50 MB by default)."""
    return int(getattr(settings, "HOSO_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD))
