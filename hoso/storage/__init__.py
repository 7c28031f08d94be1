"""Content-addressed, write-once file storage (plain Python; the database only points here)."""

from hoso.storage.base import (
    BlobCorrupt,
    BlobNotFound,
    BlobRef,
    BlobStore,
    BlobStoreError,
    BlobTooLarge,
    check_sha256,
)
from hoso.storage.factory import blob_root, blob_store, blob_store_location, max_upload_bytes
from hoso.storage.local import LocalBlobStore
from hoso.storage.references import blob_fields

__all__ = [
    "BlobCorrupt",
    "BlobNotFound",
    "BlobRef",
    "BlobStore",
    "BlobStoreError",
    "BlobTooLarge",
    "LocalBlobStore",
    "blob_fields",
    "blob_root",
    "blob_store",
    "blob_store_location",
    "check_sha256",
    "max_upload_bytes",
]
