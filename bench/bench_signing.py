"""Signing benchmark: crypto limit vs naive pyHanko vs HoSo batch, validation, peak memory.

    .venv/bin/python bench/bench_signing.py            # full run (200 docs, 500 × 5 MB)
    .venv/bin/python bench/bench_signing.py --quick    # small run
    .venv/bin/python bench/bench_signing.py --tsa-delay-ms 50   # B-T: simulated network delay

Every HoSo-signed output is checked by pyHanko (trusted, intact) and by poppler's pdfsig.
B-T lines use the demo TSA (`LocalTrustServices`) in a separate process on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

from hoso.signing.engine import pki  # noqa: E402
from hoso.signing.engine.batch import BatchOptions, jobs_for_directory, sign_batch  # noqa: E402
from hoso.signing.engine.localservices import LocalTrustServices, to_asn1_cert  # noqa: E402
from hoso.signing.engine.testdocs import sample_pdf  # noqa: E402
from hoso.signing.engine.validate import pdfsig_all_intact, validate_many  # noqa: E402

PASS = "bench"


def generate(folder: Path, count: int, seed: int = 1) -> int:
    """`count` PDFs of 1–20 pages; every 5th carries a ~2 MB image. Returns total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(count):
        pages = 1 + (i * 7 + seed) % 20
        img = 2_000_000 if i % 5 == 0 else 0
        data = sample_pdf(pages, image_bytes=img, seed=i)
        (folder / f"doc{i:04d}.pdf").write_bytes(data)
        total += len(data)
    return total


def cpu_now() -> float:
    """CPU seconds of this process plus its reaped children (pool workers)."""
    import resource

    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


_CPU = [0.0]
_LAST_CPU_MS = [0.0]
_VALIDATION_CPU = [0.0]


def capacity(n: int, cores: int = 2) -> str:
    """What `cores` uncontended cores would do at the CPU cost just measured."""
    per_doc = _VALIDATION_CPU[0] / n
    return f"CPU {per_doc * 1000:.2f} ms/doc ⇒ ≈ {cores / per_doc:.0f} docs/s on {cores} free cores"


def rate(n: int, seconds: float) -> str:
    """docs/s by wall clock, plus CPU ms/doc since the previous call (the box is shared)."""
    cpu, _CPU[0] = cpu_now() - _CPU[0], cpu_now()
    wall_ms, cpu_ms = seconds * 1000 / n, cpu * 1000 / n
    _LAST_CPU_MS[0] = cpu_ms
    return f"{n / seconds:8.1f} docs/s ({wall_ms:6.2f} ms/doc wall, {cpu_ms:6.2f} ms/doc CPU)"


def crypto_limit(files: list[bytes], key, processes: int = 1) -> float:
    """SHA-256 + one RSA-2048 signature per document, in `processes` processes (forked, each
    its share of the documents): the limit to compare a run of as many processes against."""
    if processes <= 1:
        start = time.perf_counter()
        _crypto(files, key)
        return time.perf_counter() - start
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    shares = [files[i::processes] for i in range(processes)]
    start = time.perf_counter()
    procs = [ctx.Process(target=_crypto, args=(share, key)) for share in shares]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return time.perf_counter() - start


def _crypto(files: list[bytes], key) -> None:
    for data in files:
        digest = hashlib.sha256(data).digest()
        key.sign(digest, padding.PKCS1v15(), _prehashed())


def _prehashed():
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    return Prehashed(hashes.SHA256())


def naive_pyhanko(files: list[bytes], p12_path: Path) -> float:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from hoso.signing.engine import speedups

    assert not speedups.active()  # outside HoSo's signing path: pyHanko's own parser
    start = time.perf_counter()
    signer = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=PASS.encode())
    for data in files:
        meta = signers.PdfSignatureMetadata(
            field_name="HieuTruong", subfilter=fields.SigSeedSubFilter.PADES
        )
        signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(data)), meta, signer=signer)
    return time.perf_counter() - start


def hoso_batch(src: Path, dst: Path, p12: bytes, workers: int, **kw) -> tuple[float, int]:
    jobs = jobs_for_directory(src, dst)
    start = time.perf_counter()
    opts = BatchOptions(p12, PASS, field_name="HieuTruong", **kw)
    results = list(sign_batch(jobs, opts, workers=workers))
    elapsed = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    assert not failed, failed[:3]
    return elapsed, len(results)


def check_outputs(dst: Path, ca: pki.DemoCA, workers: int) -> tuple[float, int]:
    paths = sorted(str(p) for p in dst.glob("*.pdf"))
    roots = [to_asn1_cert(ca.root.cert)]
    other = [to_asn1_cert(ca.intermediate.cert)]
    _CPU[0] = cpu_now()  # CPU of the validation alone (pdfsig below runs after `rate`)
    start = time.perf_counter()
    reports = list(validate_many(paths, roots, other_certs=other, workers=workers))
    elapsed = time.perf_counter() - start
    _VALIDATION_CPU[0] = cpu_now() - _CPU[0]
    bad = [r.verdict for r in reports if not r.all_valid]
    assert not bad, bad[:3]
    not_intact = [p for p in paths if not pdfsig_all_intact(p, 1)]
    assert not not_intact, not_intact[:3]
    return elapsed, len(paths)


# --- B-T: time-stamp round trips, serial vs overlapped -------------------------------------------


def _serve_tsa(ca: pki.DemoCA, delay_ms: int, conn) -> None:
    """Child process: the demo TSA, each answer delayed by `delay_ms` (a network's latency).

    pyHanko's DummyTimeStamper re-parses and re-checks its RSA key for every token (≈ 60 ms
    CPU); a real TSA keeps its key loaded, so here the parsed key is cached (this process only).
    """
    import functools

    from pyhanko.sign.timestamps import dummy_client

    dummy_client.serialization.load_der_private_key = functools.lru_cache(maxsize=4)(
        dummy_client.serialization.load_der_private_key
    )

    class Delayed(LocalTrustServices):
        def timestamp_response(self, body: bytes) -> bytes:
            time.sleep(delay_ms / 1000)
            return super().timestamp_response(body)

    with Delayed(ca) as services:
        conn.send(services.tsa_url)
        conn.recv()  # until the parent says stop


def b_t_lines(src: Path, work: Path, ca: pki.DemoCA, p12: bytes, delay_ms: int, n: int) -> None:
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve_tsa, args=(ca, delay_ms, child), daemon=True)
    proc.start()
    try:
        url = parent.recv()
        few = work / "bt-in"
        few.mkdir()
        for p in sorted(src.glob("*.pdf"))[:n]:
            os.link(p, few / p.name)
        label = f"local TSA, +{delay_ms} ms per request" if delay_ms else "local TSA"
        for name, window in (("serial", 1), ("overlapped ×8", 8)):
            dst = work / f"bt-out-{window}"
            _CPU[0] = cpu_now()
            secs, done = hoso_batch(few, dst, p12, 1, level="B-T", tsa_url=url, tsa_parallel=window)
            print(f"(iv)  HoSo batch B-T ({label}), 1 process, {name:13s} {rate(done, secs)}")
            check_timestamped(dst, ca)
        print("      B-T outputs: pyHanko all valid with a valid time-stamp; pdfsig all intact")
    finally:
        parent.send("stop")
        proc.join(10)


def check_timestamped(dst: Path, ca: pki.DemoCA) -> None:
    from hoso.signing.engine.validate import PdfValidator

    validator = PdfValidator(
        [to_asn1_cert(ca.root.cert)], other_certs=[to_asn1_cert(ca.intermediate.cert)]
    )
    for path in sorted(dst.glob("*.pdf")):
        data = path.read_bytes()
        report = validator.validate(data)
        assert report.all_valid and report.signatures[0].timestamp_valid, path
        assert pdfsig_all_intact(data, 1), path


# --- peak memory while batch-signing big files ---------------------------------------------------


def _tree_mem_kb(pid: int) -> tuple[int, int]:
    """(sum of PSS, sum of RSS) over `pid` and its children; PSS splits fork-shared pages."""
    pss = rss = 0
    for proc in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{proc}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(x) for x in fh.read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]


def memory_run(
    work: Path, count: int, size_mb: int, p12: bytes, workers: int
) -> tuple[float, float, float, int]:
    """Sign `count` files of ~`size_mb` MB; returns (s, peak PSS MB, peak RSS MB, size)."""
    src, dst = work / "big-in", work / "big-out"
    src.mkdir()
    template = src / "template.pdf"
    template.write_bytes(sample_pdf(3, image_bytes=size_mb * 1_000_000, seed=99))
    for i in range(count):  # hard links: 500 distinct paths without 2.5 GB of input on disk
        os.link(template, src / f"big{i:04d}.pdf")
    template.unlink()
    peak, stop = [0, 0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pss, rss = _tree_mem_kb(os.getpid())
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    start = time.perf_counter()
    for r in sign_batch(
        jobs_for_directory(src, dst), BatchOptions(p12, PASS, "HieuTruong"), workers=workers
    ):
        assert r.ok, r.error
        os.unlink(r.target)  # keep disk use bounded; memory is what we measure
    elapsed = time.perf_counter() - start
    stop.set()
    size = (src / "big0000.pdf").stat().st_size
    return elapsed, peak[0] / 1024, peak[1] / 1024, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--tsa-delay-ms", type=int, default=50, help="B-T: added to each TSA answer")
    ap.add_argument("--keep", action="store_true", help="keep the folder it made")
    args = ap.parse_args()
    n_docs, n_naive, n_big = (40, 15, 40) if args.quick else (200, 200, 500)
    work = Path(tempfile.mkdtemp(prefix="hoso-bench-"))
    try:
        run(work, n_docs, n_naive, n_big, args.workers, args.tsa_delay_ms)
    finally:
        if args.keep:
            print(f"kept (--keep): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, n_docs: int, n_naive: int, n_big: int, workers: int, delay_ms: int) -> None:
    print("load average before:", Path("/proc/loadavg").read_text().strip())
    ca = pki.create_demo_ca()
    person = pki.issue_person_cert(ca, "Nguyễn Văn Thêm")
    p12 = pki.export_pkcs12(person, ca, PASS, work / "ht.p12")
    _CPU[0] = cpu_now()
    secs, pss, rss, size = memory_run(work, n_big, 5, p12, workers)
    print(
        f"memory: {n_big} PDFs of {size / 1e6:.1f} MB, {workers} processes: {rate(n_big, secs)}; "
        f"peak over parent + workers: PSS {pss:.0f} MB, RSS summed {rss:.0f} MB"
    )
    src, dst, dst1 = work / "in", work / "out", work / "out1"
    t = time.perf_counter()
    total = generate(src, n_docs)
    print(
        f"generated {n_docs} PDFs, {total / 1e6:.1f} MB in {time.perf_counter() - t:.1f}s "
        f"(median {statistics.median(p.stat().st_size for p in src.glob('*.pdf')) / 1e3:.0f} KB)"
    )
    files = [p.read_bytes() for p in sorted(src.glob("*.pdf"))]
    _CPU[0] = cpu_now()
    lim = crypto_limit(files, person.key)
    print(f"(i)   crypto limit (SHA-256 + RSA-2048), 1 process:  {rate(n_docs, lim)}")
    lim_cpu = _LAST_CPU_MS[0]
    lim_n = crypto_limit(files, person.key, workers)
    print(f"(i)   crypto limit, {workers} processes:               {rate(n_docs, lim_n)}")
    naive = naive_pyhanko(files[:n_naive], work / "ht.p12")
    print(f"(ii)  naive pyHanko (stock, no HoSo speed-ups), 1 process: {rate(n_naive, naive)}")
    del files
    t1, n1 = hoso_batch(src, dst1, p12, 1)
    print(f"(iii) HoSo batch B-B, 1 process, disk→disk:     {rate(n1, t1)}")
    cpu1 = _LAST_CPU_MS[0]
    tb, nb = hoso_batch(src, dst, p12, workers)
    print(f"(iii) HoSo batch B-B, {workers} processes, disk→disk:   {rate(nb, tb)}")
    cpu_ms = _LAST_CPU_MS[0]
    one, many = (n1 / t1) / (n_docs / lim), (nb / tb) / (n_docs / lim_n)
    print(
        f"      same number of processes — HoSo ÷ crypto limit: 1 process {one:.3f}, "
        f"{workers} processes {many:.3f}; HoSo ÷ naive (1 process): "
        f"{(n1 / t1) / (n_naive / naive):.0f}×"
    )
    print(
        f"      CPU per document: HoSo {cpu1:.2f} ms (1 process), {cpu_ms:.2f} ms ({workers}); "
        f"crypto limit {lim_cpu:.2f} ms ⇒ CPU ratio {lim_cpu / cpu1:.3f}"
    )
    tv, nv = check_outputs(dst, ca, workers)
    print(
        f"validation ({workers} processes, pyHanko, all valid): {nv / tv:8.1f} docs/s wall; "
        f"{capacity(nv)}; pdfsig: all {nv} intact"
    )
    tv1, _ = check_outputs(dst1, ca, 1)
    print(f"validation (1 process): {nv / tv1:8.1f} docs/s wall; {capacity(nv)}")
    b_t_lines(src, work, ca, p12, delay_ms, min(n_docs, 100))
    print(
        "load average after:",
        Path("/proc/loadavg").read_text().strip(),
        f"({os.cpu_count()} cores)",
    )


if __name__ == "__main__":
    main()
