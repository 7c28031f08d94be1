"""The one blob store every app uses, chosen by settings at call time (tests move DATA_DIR).

`HOSO_BLOB_STORE=local` (the default): a local directory, DATA_DIR/blobs. `s3`: a bucket on
S3-compatible object storage (hoso.storage.s3, docs/operations.md). Apps call `blob_store()`
and never build a store of their own.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from hoso.storage.base import BlobStore
from hoso.storage.local import LocalBlobStore

if TYPE_CHECKING:
    from hoso.storage.s3 import S3Config

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
DEFAULT_CACHE_HOURS = 24
_SSE_OFF = {"off", "none", "0", "no", "false"}
# One store per process, and so one boto3 client (thread-safe, shared by every thread). `cache`
# alone lets the threads that ask at the same moment each build a client of their own, about
# 15 MB each, most of it never given back to the system: a web process's first requests grew it
# by up to 8 x that (docs/benchmarks.md, "Monday morning at province scale").
_BUILDING = threading.Lock()


def blob_root() -> Path:
    return Path(settings.DATA_DIR) / "blobs"


@cache
def _local_store_at(root: str) -> BlobStore:
    return LocalBlobStore(root)


@cache
def _s3_store(config: S3Config, cache_dir: str, cache_hours: float) -> BlobStore:
    # Imported here: the embedded mode never loads boto3.
    from hoso.storage.cache import BlobCache
    from hoso.storage.s3 import S3BlobStore

    return S3BlobStore(config, cache=BlobCache(cache_dir, max_age=cache_hours * 3600))


def blob_store() -> BlobStore:
    kind = _setting("HOSO_BLOB_STORE", "local") or "local"
    if kind == "local":
        root = str(blob_root())
        with _BUILDING:
            return _local_store_at(root)
    if kind == "s3":
        config, cache_dir, cache_hours = s3_config(), str(blob_cache_dir()), _cache_hours()
        with _BUILDING:
            return _s3_store(config, cache_dir, cache_hours)
    raise ImproperlyConfigured(
        _("HOSO_BLOB_STORE phải là 'local' hoặc 's3', không phải %(kind)r.") % {"kind": kind}
    )


def blob_store_location() -> str:
    """Where the blobs are, for messages to the operator."""
    if _setting("HOSO_BLOB_STORE", "local") == "s3":
        config = s3_config()
        return f"s3://{config.bucket}/{config.prefix}"
    return str(blob_root())


def s3_config() -> S3Config:
    from hoso.storage.s3 import S3Config

    bucket = _setting("HOSO_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured(_("HOSO_BLOB_STORE=s3 cần HOSO_S3_BUCKET (tên bucket)."))
    sse = _setting("HOSO_S3_SSE", "AES256")
    return S3Config(
        bucket=bucket,
        endpoint_url=_setting("HOSO_S3_ENDPOINT_URL", ""),
        region=_setting("HOSO_S3_REGION", ""),
        access_key_id=_setting("HOSO_S3_ACCESS_KEY_ID", ""),
        secret_access_key=_setting("HOSO_S3_SECRET_ACCESS_KEY", ""),
        prefix=_setting("HOSO_S3_PREFIX", "blobs/").strip("/") + "/",
        sse="" if sse.lower() in _SSE_OFF else sse,
    )


def blob_cache_dir() -> Path:
    """Local copies of remote blobs for tools that need a path (S3 store only)."""
    configured = _setting("HOSO_S3_CACHE_DIR", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "blob-cache"


def _cache_hours() -> float:
    return float(getattr(settings, "HOSO_S3_CACHE_HOURS", DEFAULT_CACHE_HOURS))


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, default) or default)


def max_upload_bytes() -> int:
    """The largest file a person may upload (HOSO_UPLOAD_MAX_BYTES, 50 MB by default)."""
    return int(getattr(settings, "HOSO_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD))
