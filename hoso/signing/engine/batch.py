"""Batch signing (e.g. a principal signs the week's 40 lesson plans in one action).

Files are streamed from disk one at a time per worker; each output is written to a temporary
file and renamed, so a document is either fully signed or left untouched. Per-batch work (key
loading, certificate checks, CMS parts, the `PdfSigner`) is done once per worker process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import (
    build_pdf_signer,
    open_for_signing,
    reserve_size,
    sign_to_stream,
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


class _Worker:
    """Everything reused across the documents of a batch inside one process."""

    def __init__(self, opts: BatchOptions) -> None:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        self.signer = Pkcs12Signer(opts.p12, opts.passphrase)
        self.opts = opts
        self.reserved = reserve_size(self.signer, opts.level)
        self._ts = (lambda: HTTPTimeStamper(opts.tsa_url, timeout=10)) if opts.tsa_url else None
        self.pdf_signer = self._pdf_signer() if self._ts is None else None

    def _pdf_signer(self) -> Any:
        ts = self._ts() if self._ts else None  # an aiohttp session is per event loop
        return build_pdf_signer(
            self.signer, field_name=self.opts.field_name, level=self.opts.level, timestamper=ts
        )

    def run(self, job: BatchJob) -> BatchResult:
        # Stream file → pyHanko → temp file; rename only on success (never half a document).
        tmp = f"{job.target}.part-{os.getpid()}"
        try:
            with open(job.source, "rb") as src, open(tmp, "w+b") as out:
                writer = open_for_signing(src)
                sign_to_stream(self.pdf_signer or self._pdf_signer(), writer, self.reserved, out)
                digest = _sha256_of(out)
            os.replace(tmp, job.target)
            return BatchResult(job.source, job.target, True, digest)
        except SigningError as exc:
            return BatchResult(job.source, job.target, False, error=exc.message)
        except OSError as exc:
            return BatchResult(job.source, job.target, False, error=f"Lỗi đọc/ghi tệp: {exc}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _sha256_of(fh: Any) -> str:
    fh.seek(0)
    return hashlib.file_digest(fh, "sha256").hexdigest()


_WORKER: _Worker | None = None


def _init(opts: BatchOptions) -> None:
    global _WORKER
    _WORKER = _Worker(opts)


def _run(job: BatchJob) -> BatchResult:
    assert _WORKER is not None
    return _WORKER.run(job)


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
    Pkcs12Signer(opts.p12, opts.passphrase)  # fail fast, in the caller, with a clear message
    if workers <= 1:
        worker = _Worker(opts)
        results: Iterable[BatchResult] = map(worker.run, jobs)
        yield from _report(results, progress)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(opts,)) as pool:
        yield from _report(pool.map(_run, jobs, chunksize=4), progress)


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
