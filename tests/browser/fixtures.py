"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Playwright's browsers are never downloaded: we launch the system Chromium. Without it the
browser tests are skipped, unless HOSO_REQUIRE_BROWSER=1 (CI), where its absence is a failure."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from
# the test body without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("HOSO_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_browser() -> None:
    missing = ""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the pip package playwright is not installed"
    if not missing and not Path(CHROMIUM).is_file():
        missing = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    if missing:
        if os.environ.get("HOSO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (HOSO_REQUIRE_BROWSER=1) but {missing}")
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """live_server needs a transactional database, which pytest-django empties when the test
    ends; put the demo province back afterwards (from the copy taken when it was first loaded)
    so that every later test still sees it."""
    yield
    from tests.browser import snapshot

    # After the last test the test database itself is already gone.
    if nextitem is None or not snapshot.uses_live_server(item):
        return
    from pytest_django.plugin import blocking_manager_key

    from hoso.org.demo import load_demo

    with item.config.stash[blocking_manager_key].unblock():
        if not snapshot.restore():
            load_demo()


def _serve_one_request_at_a_time() -> None:
    """The test database is in-memory SQLite: one connection, shared with the live server's
    thread. Django's threaded live server would use it from several threads at once when a
    page loads two htmx fragments together ("database table is locked"); a real installation
    has a file database and separate connections. Serve requests one after another instead."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)  # requests run in the thread that has the override

    LiveServerThread.server_class = OneAtATime


_serve_one_request_at_a_time()


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    settings.DEMO_MODE = True
    from django.core.cache import cache

    cache.clear()  # allauth's per-IP sign-in rate limit lives in the cache
    return str(live_server.url)


@pytest.fixture
def page_at(browser: Any) -> Iterator[Any]:
    """page_at(width, height): a fresh browser context (no cookies) of that viewport."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Iterator[Path]:
    path = Path(os.environ.get("HOSO_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="hoso-shots-"))
    path.mkdir(parents=True, exist_ok=True)
    yield path
    if not os.environ.get("HOSO_SCREENSHOT_DIR"):
        shutil.rmtree(path, ignore_errors=True)
