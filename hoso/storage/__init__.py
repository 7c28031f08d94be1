"""Content-addressed, write-once file storage (plain Python; the database only points here)."""

from hoso.storage.base import (
    BlobNotFound,
    BlobRef,
    BlobStore,
    BlobStoreError,
    BlobTooLarge,
    check_sha256,
)
from hoso.storage.local import LocalBlobStore

__all__ = [
    "BlobNotFound",
    "BlobRef",
    "BlobStore",
    "BlobStoreError",
    "BlobTooLarge",
    "LocalBlobStore",
    "check_sha256",
]
