"""The scaled mode's tests run only where PostgreSQL and Redis are reachable (the CI has both on
127.0.0.1:5432 and 127.0.0.1:6379). Each test worker uses a Redis database of its own (7 for
the first, 8 for the second…; HOSO_TEST_REDIS_URL overrides the first) and empties it before each
test: one worker's emptying must not erase what a test on another worker just counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

REDIS_URL_DEFAULT = "redis://127.0.0.1:6379/7"


def redis_url() -> str:
    """This worker's Redis database: the first one's number plus the xdist worker's index."""
    import os

    base, _, first = os.environ.get("HOSO_TEST_REDIS_URL", REDIS_URL_DEFAULT).rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"{base}/{int(first) + int(worker or 0)}"


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(redis_url(), socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 — any failure means "not here"
        return False


def postgres_in_use() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def needs_postgres_and_redis() -> Iterator[None]:
    if not postgres_in_use():
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not redis_reachable():
        pytest.skip(f"needs Redis at {redis_url()}")
    import redis

    redis.Redis.from_url(redis_url()).flushdb()
    yield


@pytest.fixture
def shared_redis_cache(needs_postgres_and_redis: None, settings: Any) -> str:
    """The cache of the scaled mode (hoso/settings.py with HOSO_REDIS_URL): Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
        }
    }
    return redis_url()
