"""Batch signing (e.g. a principal signs the week's 40 lesson plans in one action).

Files are streamed from disk one at a time per worker; each output is written to a temporary
file and renamed, so a document is either fully signed or left untouched. Per-batch work (key
loading, certificate checks, CMS skeleton, the `PdfSigner`) is done once, in the caller; worker
processes are forked and inherit it. With a time-stamp authority (B-T, B-LT) each worker keeps
up to `BatchOptions.tsa_parallel` documents in flight, so the TSA round trips overlap instead
of adding up; every document still has its own temp file and rename.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hoso.signing.engine import aio
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.lean import LeanSigner
from hoso.signing.engine.sign import (
    build_pdf_signer,
    open_for_signing,
    reserve_size,
    sign_to_stream_async,
    translate_error,
)
from hoso.signing.engine.signers import Pkcs12Signer


@dataclass(frozen=True)
class BatchJob:
    source: str
    target: str


@dataclass(frozen=True)
class BatchResult:
    source: str
    target: str
    ok: bool
    sha256: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class BatchOptions:
    p12: bytes
    passphrase: str
    field_name: str = "ChuKy1"
    level: str = "B-B"
    tsa_url: str | None = None
    tsa_parallel: int = 8  # documents in flight per process while waiting for the TSA


class _Worker:
    """Everything reused across the documents of a batch inside one process."""

    def __init__(self, opts: BatchOptions) -> None:
        self.signer = Pkcs12Signer(opts.p12, opts.passphrase)
        self.opts = opts
        self.reserved = reserve_size(self.signer, opts.level)
        self.pdf_signer = self._pdf_signer(None)
        self.window = max(1, opts.tsa_parallel)
        # B-B without a TSA: plain documents take the lean update (`lean.py`), others pyHanko's.
        self.lean = (
            LeanSigner(self.signer.pyhanko_signer, opts.field_name, self.reserved)
            if opts.level == "B-B" and not opts.tsa_url
            else None
        )

    def _pdf_signer(self, stamper: Any) -> Any:
        return build_pdf_signer(
            self.signer, field_name=self.opts.field_name, level=self.opts.level, timestamper=stamper
        )

    def run(self, job: BatchJob) -> BatchResult:
        return aio.run_sync(self.run_async(job, self.pdf_signer))

    async def run_async(self, job: BatchJob, pdf_signer: Any) -> BatchResult:
        # Stream file → pyHanko → temp file; rename only on success (never half a document).
        tmp = f"{job.target}.part-{os.getpid()}-{id(job):x}"
        try:
            with open(job.source, "rb") as src, open(tmp, "w+b") as out:
                digest = await self._lean(src, out) if self.lean is not None else None
                if digest is None:
                    src.seek(0)
                    writer = open_for_signing(src)
                    digest = await sign_to_stream_async(pdf_signer, writer, self.reserved, out)
            os.replace(tmp, job.target)
            return BatchResult(job.source, job.target, True, digest)
        except SigningError as exc:
            return BatchResult(job.source, job.target, False, error=exc.message)
        except OSError as exc:
            return BatchResult(
                job.source, job.target, False, error=_("Lỗi đọc/ghi tệp: %(exc)s") % {"exc": exc}
            )
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    async def _lean(self, src: Any, out: Any) -> str | None:
        assert self.lean is not None
        try:
            return await self.lean.sign(src, out)
        except SigningError:
            raise
        except OSError:
            raise
        except Exception as exc:
            raise translate_error(exc) from exc

    def run_many(self, jobs: Iterable[BatchJob]) -> Iterator[BatchResult]:
        """Results in order; with a TSA, up to `window` documents overlap their round trips."""
        if not self.opts.tsa_url:
            yield from map(self.run, jobs)
            return
        yield from _overlapped(self, list(jobs))

    def run_chunk(self, jobs: list[BatchJob]) -> list[BatchResult]:
        return list(self.run_many(jobs))


def _overlapped(worker: _Worker, jobs: list[BatchJob]) -> Iterator[BatchResult]:
    """Sign `jobs` on an event loop of its own thread, at most `worker.window` at once.

    While one document waits for its time-stamp, the next ones are prepared and sent; results
    come back through a queue and are yielded in job order as soon as they are ready. One
    HTTP session serves the whole run: aiohttp's default of a session per request loads the
    CA bundle into a new TLS context every time (≈ 50-100 ms CPU per document, measured).
    """
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

    done: queue.Queue[tuple[int, BatchResult | BaseException]] = queue.Queue()

    async def pipeline() -> None:
        session = LazySession()  # bound to this loop; closed when the run ends
        stamper = HTTPTimeStamper(worker.opts.tsa_url, timeout=10, session=session)
        pdf_signer = worker._pdf_signer(stamper)
        gate = asyncio.Semaphore(worker.window)

        async def one(i: int, job: BatchJob) -> None:
            async with gate:
                try:
                    done.put((i, await worker.run_async(job, pdf_signer)))
                except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                    done.put((i, exc))

        try:
            if jobs:  # the first alone fills the signer's per-batch caches, then overlap
                await one(0, jobs[0])
            await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs) if i))
        finally:
            await session.close()

    thread = threading.Thread(target=asyncio.run, args=(pipeline(),), daemon=True)
    thread.start()
    ready: dict[int, BatchResult | BaseException] = {}
    for i in range(len(jobs)):
        while i not in ready:
            k, result = done.get()
            ready[k] = result
        result = ready.pop(i)
        if isinstance(result, BaseException):
            raise result
        yield result
    thread.join()


_WORKER: _Worker | None = None


def _install(worker: _Worker) -> None:
    """Pool initializer: the forked child gets the parent's prepared worker (no re-loading)."""
    global _WORKER
    aio.forget_thread_loop()  # a loop inherited through fork shares the parent's epoll fd
    _WORKER = worker


def _run_chunk(jobs: list[BatchJob]) -> list[BatchResult]:
    assert _WORKER is not None
    return _WORKER.run_chunk(jobs)


def sign_batch(
    jobs: Iterable[BatchJob],
    opts: BatchOptions,
    *,
    workers: int = 1,
    progress: Callable[[BatchResult], None] | None = None,
) -> Iterator[BatchResult]:
    """Sign every job; yields one result per document, in order, as they finish.

    The certificate is checked (passphrase, validity period) before anything is written.
    """
    worker = _Worker(opts)  # fails fast, in the caller, with a clear message
    if workers <= 1:
        yield from _report(worker.run_many(jobs), progress)
        return
    it = iter(jobs)
    if not opts.tsa_url:  # the first document here fills the caches the workers inherit
        first = next(it, None)
        if first is None:
            return
        yield from _report([worker.run(first)], progress)
    # Small chunks keep both processes busy to the end; with a TSA a chunk is what overlaps.
    size = 2 * worker.window if opts.tsa_url else 4
    chunks = iter(lambda: list(islice(it, size)), [])
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_install, initargs=(worker,)
    ) as pool:
        results = (r for chunk in pool.map(_run_chunk, chunks) for r in chunk)
        yield from _report(results, progress)


def _report(
    results: Iterable[BatchResult], progress: Callable[[BatchResult], None] | None
) -> Iterator[BatchResult]:
    for result in results:
        if progress:
            progress(result)
        yield result


def jobs_for_directory(src: Path, dst: Path) -> list[BatchJob]:
    """One job per `*.pdf` in `src`, writing to the same name in `dst`."""
    dst.mkdir(parents=True, exist_ok=True)
    return [BatchJob(str(p), str(dst / p.name)) for p in sorted(src.glob("*.pdf"))]
