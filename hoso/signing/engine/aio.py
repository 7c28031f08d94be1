"""Run pyHanko's coroutines from synchronous code.

- One event loop per thread, kept open: `asyncio.run` builds and tears down a loop for each
  call, which cost ~0.5 ms per signature in batch signing (measured, bench/bench_signing.py).
- Where this thread already runs an event loop (Playwright's sync API in browser tests, an
  ASGI worker), the coroutine runs on a short-lived thread of its own instead of failing with
  "asyncio.run() cannot be called from a running event loop".
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_local = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
    return loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _thread_loop().run_until_complete(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def forget_thread_loop() -> None:
    """Drop this thread's loop without closing it (after fork it belongs to the parent)."""
    _local.loop = None
