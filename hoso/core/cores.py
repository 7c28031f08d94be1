"""Work that needs only the processor — laying out a PDF from data already read — spread over
the machine's cores. Python runs one thread at a time, so the worker's threads cannot do it:
a small pool of processes can. They are started with `spawn` (a clean interpreter with the
same environment; nothing inherited from the worker's threads or its database connections),
take picklable arguments, return bytes, and never touch the database or the blob store.
Django's apps are never loaded in them: a process with the apps loaded weighs about 150 MB,
one that only imports what its work needs 40–90 MB. So the work is a module-level function in
a module that imports no model (hoso.books.pages, hoso.signing.engine.apart), and its texts
are in the default language, Vietnamese (no app catalogue is loaded there). The pool is kept
while there is work and closed once it has been idle for IDLE_SECONDS, so an idle worker
holds no extra memory.

    HOSO_CPU_PROCESSES   how many processes beside the calling one, which works too (default:
                         the cores but one, at most 3; 0: the work runs in the calling
                         process, as it always did)

A process that dies (killed, out of memory) breaks the pool: the pool is dropped and the work
it held is done in the calling process instead, so the answer is the same either way."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from django.conf import settings

Item = TypeVar("Item")
Result = TypeVar("Result")

IDLE_SECONDS = 60.0
# A process is replaced after this many tasks: whatever a layout engine keeps grows no further.
TASKS_PER_PROCESS = 200


def default_processes() -> int:
    """The cores but the one the calling process works on, at most 3."""
    return max(min((os.cpu_count() or 1) - 1, 3), 0)


def processes() -> int:
    """How many processes the pool has; 0: no pool."""
    return int(getattr(settings, "HOSO_CPU_PROCESSES", default_processes()))


def _child_setup() -> None:
    """Settings only, without the apps (see the module's note): translation off, so that a
    text the work makes is its Vietnamese source instead of a call into the app registry."""
    settings.USE_I18N = False


class _Pool:
    """One pool per process, shared by the worker's threads, closed when idle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor: ProcessPoolExecutor | None = None
        self.users = 0
        self.timer: threading.Timer | None = None

    def take(self, size: int) -> ProcessPoolExecutor:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.executor is None:
                self.executor = ProcessPoolExecutor(
                    max_workers=size,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child_setup,
                    max_tasks_per_child=TASKS_PER_PROCESS,
                )
            self.users += 1
            return self.executor

    def give_back(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0 and self.executor is not None:
                self.timer = threading.Timer(IDLE_SECONDS, self.close_if_idle)
                self.timer.daemon = True
                self.timer.start()

    def drop(self, broken: ProcessPoolExecutor) -> None:
        with self.lock:
            if self.executor is broken:
                self.executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def close_if_idle(self) -> None:
        with self.lock:
            executor = self.executor if self.users == 0 else None
            if executor is not None:
                self.executor = None
        if executor is not None:
            executor.shutdown(wait=True)

    def child_pids(self) -> list[int]:
        executor = self.executor
        found = getattr(executor, "_processes", None) or {}
        return list(found)


_POOL = _Pool()


def in_processes(work: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
    """`work(item)` for every item, answers in the items' order, computed by the pool while
    the caller uses the earlier answers. `work` must be a module-level function. Its own
    exceptions reach the caller when that item's answer is taken."""
    size = processes()
    if size < 1:
        yield from map(work, items)
        return
    executor = _POOL.take(size)
    futures: list[tuple[Item, Future[Result] | None]] = []
    try:
        for item in items:
            futures.append((item, _submit(executor, work, item)))
        for item, future in futures:
            yield _answer(executor, work, item, future)
    finally:
        for _item, future in futures:
            if future is not None:
                future.cancel()
        _POOL.give_back()


def _submit(
    executor: ProcessPoolExecutor, work: Callable[[Item], Result], item: Item
) -> Future[Result] | None:
    try:
        return executor.submit(work, item)
    except (BrokenProcessPool, RuntimeError):  # broken, or shut down by another thread
        _POOL.drop(executor)
        return None


def _answer(
    executor: ProcessPoolExecutor,
    work: Callable[[Item], Result],
    item: Item,
    future: Future[Result] | None,
) -> Result:
    if future is None:
        return work(item)
    try:
        return future.result()
    except BrokenProcessPool:
        _POOL.drop(executor)
        return work(item)


def pool_pids() -> list[int]:
    """The pool's processes now (for measurements)."""
    return _POOL.child_pids()


def close_pool() -> None:
    """Close the pool now (tests, benchmarks)."""
    with _POOL.lock:
        executor, _POOL.executor = _POOL.executor, None
        if _POOL.timer is not None:
            _POOL.timer.cancel()
            _POOL.timer = None
    if executor is not None:
        executor.shutdown(wait=True)
