"""System checks of the scaled mode (docs/operations.md §1): with PostgreSQL and Redis set, several
web processes serve one installation, and nothing a request needs may live in one process or on
one machine's disk. Each warning names what would stay local and the setting that shares it."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register


def is_scaled() -> bool:
    """PostgreSQL and Redis configured: the mode in which several processes share the work."""
    engine = str(settings.DATABASES["default"]["ENGINE"])
    return "postgresql" in engine and bool(getattr(settings, "HUEY_REDIS_URL", ""))


@register("hoso")
def scaled_mode_is_stateless(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if not is_scaled():
        return []
    found: list[CheckWarning] = []
    if getattr(settings, "HOSO_SEARCH_BACKEND", "embedded") != "postgres":
        found.append(
            CheckWarning(
                "HOSO_SEARCH_BACKEND is 'embedded': each machine keeps its own tantivy index.",
                hint="Set HOSO_SEARCH_BACKEND=postgres and run `hoso search reindex`.",
                id="hoso.W001",
            )
        )
    if getattr(settings, "HOSO_BLOB_STORE", "local") != "s3":
        found.append(
            CheckWarning(
                "HOSO_BLOB_STORE is 'local': stored files stay on this machine's disk.",
                hint="Use HOSO_BLOB_STORE=s3 (docs/operations.md §9), or put HOSO_DATA_DIR/blobs "
                "on a file system every machine mounts.",
                id="hoso.W002",
            )
        )
    if not (os.environ.get("HOSO_SECRET_KEY") or os.environ.get("HOSO_SECRET_KEY_FILE")):
        found.append(
            CheckWarning(
                "SECRET_KEY comes from HOSO_DATA_DIR/secret_key: another machine would make its "
                "own, and its sessions and forms would not be accepted here.",
                hint="Give every process the same HOSO_SECRET_KEY or HOSO_SECRET_KEY_FILE.",
                id="hoso.W003",
            )
        )
    backend = str(settings.CACHES["default"]["BACKEND"])
    if "redis" not in backend.lower():
        found.append(
            CheckWarning(
                f"The cache is {backend}: rate limits, used TOTP codes and kept answers would be "
                "per process.",
                hint="Leave CACHES to hoso/settings.py, which uses HOSO_REDIS_URL.",
                id="hoso.W004",
            )
        )
    return found
