"""Shared fixtures. Every test runs in a transaction that is rolled back, so tests never see
each other. A database test sees the demo province, loaded once per test database before the
first test that needs it, unless it is marked `own_world`: then it builds what it needs with
the factories of tests/factories.py and, when every test of a worker is such a test, the demo
is never loaded there. An `own_world` test must not assume the demo is absent either: another
test of the same worker may have loaded it."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

# The Chromium fixtures live in one plugin so that every browser test, wherever it sits, shares
# one Playwright instance (two sync instances in one process refuse to run).
pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(scope="session")
def demo_province(django_db_setup: Any, django_db_blocker: Any, request: Any) -> None:
    """The demo province in the test database, loaded outside any test's transaction."""
    from hoso.org.demo import load_demo
    from tests.browser import snapshot

    with django_db_blocker.unblock():
        load_demo()
        if snapshot.wanted(request.session.items):
            snapshot.take()


def _uses_database(item: pytest.Item) -> bool:
    """As pytest-django decides which tests get a test database (its autouse fixtures put
    django_db_blocker in front of every test, so that name says nothing). A test that works
    outside the test transaction through django_db_blocker asks for `demo_province` by name."""
    names = set(getattr(item, "fixturenames", ()))
    wanted = {"db", "transactional_db", "live_server"}
    return item.get_closest_marker("django_db") is not None or bool(wanted & names)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A session fixture first in the list is set up before the test's transaction opens.
    for item in items:
        if _uses_database(item) and item.get_closest_marker("own_world") is None:
            item.fixturenames.insert(0, "demo_province")  # type: ignore[attr-defined]
        _skip_in_other_pass(item)
        _skip_without_postgres(item)
    _run_engine_free_tests_once(config, items)
    items.sort(key=_longest_first(items))


# Words by which a test module shows that it reaches a database engine by itself (a server
# started on DATABASE_URL, the search backend's own connection, a skip by vendor).
ENGINE_WORDS = ("DATABASE_URL", "connection.vendor", "HOSO_SEARCH_TEST_DSN", "postgres")


def _run_engine_free_tests_once(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses no Django database and whose module names no engine (rules, parsers,
    signatures, storage, the architecture) gives the same answer on every engine: `make test`
    runs it in its first pass only and leaves it out of the later ones (HOSO_TEST_PASSES)."""
    passes = [p for p in os.environ.get("HOSO_TEST_PASSES", "").split(",") if p]
    if len(passes) < 2:
        return
    from django.db import connection

    if connection.vendor == passes[0]:
        return
    sources: dict[str, str] = {}

    def engine_free(item: pytest.Item) -> bool:
        path = str(item.path)
        if path not in sources:
            sources[path] = item.path.read_text(encoding="utf-8")
        marked = any(item.get_closest_marker(m) for m in ("crash", "postgres", "one_pass"))
        named = any(word in sources[path] for word in ENGINE_WORDS)
        return not (_uses_database(item) or marked or named)

    left_out = [item for item in items if engine_free(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, items)) - set(map(id, left_out))
        items[:] = [item for item in items if id(item) in kept]


def _skip_in_other_pass(item: pytest.Item) -> None:
    """`make test` runs the suite once per engine (SQLite, then PostgreSQL when DATABASE_URL
    names one) and says so in HOSO_TEST_PASSES. A test marked `one_pass("postgresql")` is slow
    and its subject does not depend on the engine (a real-process crash test of an import, the
    demo built on another day): it runs in that engine's pass only, and in every pass when
    that engine has no pass of its own (a plain `pytest`, or `make test` on SQLite alone)."""
    marker = item.get_closest_marker("one_pass")
    passes = [p for p in os.environ.get("HOSO_TEST_PASSES", "").split(",") if p]
    if marker is None or marker.args[0] not in passes:
        return
    from django.db import connection

    if connection.vendor != marker.args[0]:
        item.add_marker(
            pytest.mark.skip(reason=f"runs in the {marker.args[0]} pass of `make test` only")
        )


def _skip_without_postgres(item: pytest.Item) -> None:
    """A test marked `postgres` (tests/scaled) is skipped here, at collection, on another engine:
    skipped later by a fixture, a transactional test would still flush the worker's database on
    teardown, and with it the demo province the next tests of that worker need."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)"))


def _longest_first(items: list[pytest.Item]) -> Any:
    """Under pytest-xdist (`--dist loadfile --no-loadscope-reorder`, Makefile) files go to the
    workers whole, in this order. Longest first, so that the workers finish together on small
    files instead of one waiting for the other's long one: files with crash tests (minutes
    each), then files with a test marked `long`, then by number of tests (xdist's own order,
    which would put the crash tests, one or two a file, last). The order inside a file stays."""
    files: dict[str, list[int]] = {}  # file → [not crash, not long, -number of tests]
    for item in items:
        rank = files.setdefault(item.nodeid.split("::")[0], [1, 1, 0])
        rank[0] &= item.get_closest_marker("crash") is None
        rank[1] &= item.get_closest_marker("long") is None
        rank[2] -= 1
    return lambda item: files[item.nodeid.split("::")[0]]


@pytest.fixture(autouse=True)
def _fresh_data_version() -> None:
    """Each test starts from a new data version (hoso.core.data_version): the database is
    rolled back after every test, and answers kept in the cache under the data version of the
    previous test may describe writes that no longer exist."""
    from django.db import connections

    from hoso.core import data_version

    for connection in connections.all():
        data_version.replace(connection)


@pytest.fixture
def demo_user(db: Any) -> Any:
    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def client_for(db: Any, settings: Any) -> Any:
    """A test client logged in as a demo account (2FA not forced in demo mode)."""
    settings.DEMO_MODE = True

    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture
def api_for(db: Any) -> Any:
    """A DRF API client authenticated by token as a demo account."""
    from rest_framework.test import APIClient

    from hoso.accounts.services import create_token

    keys: dict[str, str] = {}

    def make(username: str) -> APIClient:
        if username not in keys:
            user = get_user_model().objects.get(username=username)
            keys[username] = create_token(user=user, name="test")[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[username]}")
        return client

    return make
