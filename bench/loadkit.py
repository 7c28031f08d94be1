"""What the HTTP load benches share (bench/bench_load.py, bench/bench_load_scaled.py,
bench/bench_restarts.py): locust's command line and its figures, the CPU and memory of the
processes under test read from /proc, `hoso scaled` started and stopped, a moto S3 server, and
the printed report with the issue's targets judged from the figures.

Processes are measured from outside: every second the meter reads /proc/<pid>/stat (user +
system CPU) and /proc/<pid>/status (RSS) of each process it is told about. A process that
appears during the run counts from zero; one that exits between two readings loses at most its
last second (PostgreSQL backends live as long as the connection, 60 s or more here).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The scenario's teachers from the demo province (bench/locustfile.py); the scaled bench's extra
# teacher accounts copy their groups.
DEMO_TEACHERS = (
    [f"th1.giaovien{n}" for n in range(1, 11)]
    + [f"thcs1.giaovien{n}" for n in range(1, 9)]
    + [f"th2.giaovien{n}" for n in range(1, 4)]
)
TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1

# The targets (issue 20 item 4), judged by `targets()` from the measured figures.
TARGET_UPLOADS_PER_S = 30.0
TARGET_PAGE_P95_MS = 200.0
TARGET_UPLOAD_P95_MS = 500.0
TARGET_USERS = 50  # the latency targets are stated for 50 concurrent users
TARGET_WEB_RSS_MB = 200.0
EMBEDDED_BASELINE_RPS = 22.0  # `make run` before issue 20, 25 users
EMBEDDED_TARGET_FACTOR = 3
UPLOAD_NAME = "upload 1 MB PDF"


# ---- locust -----------------------------------------------------------------------------------


def locust_command(
    *, users: int, spawn_rate: int | float, minutes: float, host: str, csv_prefix: str
) -> list[str]:
    """locust headless on bench/locustfile.py, its figures in CSV files under `csv_prefix`."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{int(minutes * 60)}s",
        "-H",
        host,
        "--csv",
        csv_prefix,
    ]


@dataclass(frozen=True)
class Row:
    """One line of locust's table: a page or operation, or the total (`name` "**all**")."""

    method: str
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def ok_rps(self) -> float:
        """Requests per second that succeeded."""
        return self.rps * (self.requests - self.failures) / self.requests if self.requests else 0.0


def locust_rows(prefix: str) -> list[Row]:
    rows = []
    with contextlib.suppress(FileNotFoundError), open(f"{prefix}_stats.csv", newline="") as fh:
        for raw in csv.DictReader(fh):
            total = raw["Name"] == "Aggregated"
            rows.append(
                Row(
                    method="" if total else raw["Type"],
                    name="**all**" if total else raw["Name"],
                    requests=int(raw["Request Count"]),
                    failures=int(raw["Failure Count"]),
                    rps=float(raw["Requests/s"]),
                    p50=_ms(raw["50%"]),
                    p95=_ms(raw["95%"]),
                    p99=_ms(raw["99%"]),
                )
            )
    return rows


def _ms(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "N/A" when nothing was measured
        return 0.0


def locust_failures(prefix: str) -> Counter[str]:
    """Failures by page and error (record ids folded to N)."""
    failures: Counter[str] = Counter()
    with contextlib.suppress(FileNotFoundError), open(f"{prefix}_failures.csv") as handle:
        for row in csv.DictReader(handle):
            error = re.sub(r"\d{3,}(?=/)", "N", row["Error"])[:140]
            failures[f"{row['Method']} {row['Name']}: {error}"] += int(row["Occurrences"])
    return failures


# ---- /proc ------------------------------------------------------------------------------------


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_free(port: int) -> bool:
    """Nothing listens on the port (connections of an earlier run in TIME_WAIT do not count:
    servers bind with SO_REUSEADDR, so does the probe)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(x) for x in path.read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children_of(todo.pop())
        found.extend(kids)
        todo.extend(kids)
    return found


def processes_named(name: str) -> list[tuple[int, str]]:
    """(pid, command line) of every process whose name (comm) is `name`, any user's."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != name:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        found.append((int(entry.name), cmdline.strip()))
    return found


def postgres_processes(database: str) -> dict[str, list[int]]:
    """The local PostgreSQL server's processes (they run as user postgres), in three groups:
    the backends connected to `database` (and its autovacuum workers), the server's own
    processes (postmaster, checkpointer, WAL writer…: shared by every database), and the
    backends of other databases (other people's tests on this machine: not ours)."""
    groups: dict[str, list[int]] = {"ours": [], "server": [], "other": []}
    for pid, cmdline in processes_named("postgres"):
        words = cmdline.split()
        if database in words:
            groups["ours"].append(pid)
        elif re.search(r"\d\(\d+\)|\[local\]", cmdline):
            groups["other"].append(pid)
        else:
            groups["server"].append(pid)
    return groups


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, not idle or iowait)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(v) for i, v in enumerate(fields) if i not in (3, 4)) / TICK


class Meter:
    """CPU seconds and peak RSS of groups of processes, read every `interval` seconds while a
    run goes on. `groups()` names the current processes of each group (pids may change: a web
    process started again is a new pid of the same group). CPU counts from the first reading of
    each pid (or from zero for a pid born during the run)."""

    def __init__(self, groups: Callable[[], dict[str, list[int]]], interval: float = 1.0) -> None:
        self.groups = groups
        self.interval = interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group_of: dict[int, str] = {}
        self.order: list[str] = []
        self.peak_rss: dict[str, float] = {}
        self.start_rss: dict[str, float] = {}  # at the first reading: before the load
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self._read(initial=True)
        self.machine_before = machine_busy_seconds()
        self.machine_after = self.machine_before
        self.started = time.monotonic()
        self.elapsed = 0.0

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self._read()
        self.machine_after = machine_busy_seconds()
        self.elapsed = time.monotonic() - self.started

    def _run(self) -> None:
        while not self.stop.wait(self.interval):
            self._read()

    def _read(self, *, initial: bool = False) -> None:
        for name, pids in self.groups().items():
            if name not in self.order:
                self.order.append(name)
            for pid in pids:
                seconds = cpu_seconds(pid)
                if pid not in self.first:
                    self.first[pid] = seconds if initial else 0.0
                    self.group_of[pid] = name
                if seconds:
                    self.last[pid] = seconds
                rss = rss_mb(pid)
                self.peak_rss[name] = max(self.peak_rss.get(name, 0.0), rss)
                if initial:
                    self.start_rss[name] = max(self.start_rss.get(name, 0.0), rss)

    def cpu(self) -> dict[str, float]:
        used = dict.fromkeys(self.order, 0.0)
        for pid, name in self.group_of.items():
            used[name] += max(0.0, self.last.get(pid, 0.0) - self.first[pid])
        return used

    @property
    def machine(self) -> float:
        return self.machine_after - self.machine_before


# ---- report -----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one load run measured, for `report()`: `Run.measured(prefix, …)` reads locust's
    figures from its CSV files."""

    title: str
    users: int
    rows: list[Row]
    failures: Counter[str]
    elapsed: float
    cpu: dict[str, float]  # process (group) → CPU seconds during the run
    machine: float
    web_rss: dict[str, float]  # web process → peak RSS MB
    load_before: str
    load_after: str
    embedded: bool = False
    notes: list[str] = field(default_factory=list)
    web_rss_before: dict[str, float] = field(default_factory=dict)  # when the load began

    @classmethod
    def measured(cls, prefix: str, **figures: Any) -> Run:
        return cls(rows=locust_rows(prefix), failures=locust_failures(prefix), **figures)

    def total(self) -> Row | None:
        return next((r for r in self.rows if r.name == "**all**"), None)

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)


def report(run: Run) -> None:
    print(
        f"\n### {run.title}\n\n{run.users} users, {run.elapsed:.0f} s; load average before "
        f"{run.load_before}, after {run.load_after} ({CORES} cores)\n"
    )
    print("| page / operation | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for r in run.rows:
        name = f"{r.method} {r.name}".strip()
        print(
            f"| {name} | {r.requests} | {r.failures} | {r.rps:.1f} | {r.p50:.0f} | "
            f"{r.p95:.0f} | {r.p99:.0f} |"
        )
    for error, count in run.failures.most_common(15):
        print(f"failure: {count} × {error}")
    print(f"\n| process | CPU s in {run.elapsed:.0f} s | share of the {CORES} cores |")
    print("|---|---|---|")
    for name, seconds in run.cpu.items():
        print(f"| {name} | {seconds:.1f} | {_share(seconds, run.elapsed)} |")
    print(
        f"| whole machine (every user of the box) | {run.machine:.1f} | "
        f"{_share(run.machine, run.elapsed)} |"
    )
    began = run.web_rss_before
    rss = ", ".join(
        f"{name} {mb:.0f} MB"
        + (f" ({began[name]:.0f} MB when the load began)" if name in began else "")
        for name, mb in run.web_rss.items()
    )
    print(f"\nweb processes' peak RSS: {rss}")
    for note in run.notes:
        print(note)
    print("\n| target (issue 20) | measured | met |")
    print("|---|---|---|")
    for target, measured, met in targets(run):
        print(f"| {target} | {measured} | {met} |")


def _share(seconds: float, elapsed: float) -> str:
    return f"{100 * seconds / (CORES * elapsed):.0f} %" if elapsed else "-"


def targets(run: Run) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each of the issue's targets, from the run's figures.
    The latency targets are stated for 50 users: at fewer the verdict says so."""
    rows, total = run.rows, run.total()
    if total is None:
        return [("locust figures", "none (locust did not run?)", "not met")]
    judged = "" if run.users >= TARGET_USERS else f" (at {run.users} users, not {TARGET_USERS})"
    upload = run.row(UPLOAD_NAME)
    pages = [r for r in rows if r.method == "GET"]
    slowest = max(pages, key=lambda r: r.p95, default=None)
    result = [("0 errors", f"{total.failures} failures", _met(total.failures == 0))]
    if upload is None or not upload.requests:
        result.append((f"uploads ≥ {TARGET_UPLOADS_PER_S:.0f}/s", "no upload", "not met"))
    else:
        result.append(
            (
                f"uploads ≥ {TARGET_UPLOADS_PER_S:.0f}/s sustained",
                f"{upload.ok_rps:.1f}/s successful",
                _met(upload.ok_rps >= TARGET_UPLOADS_PER_S),
            )
        )
    if slowest is not None:
        result.append(
            (
                f"every page p95 ≤ {TARGET_PAGE_P95_MS:.0f} ms at {TARGET_USERS} users",
                f"slowest: {slowest.name} {slowest.p95:.0f} ms",
                _met(slowest.p95 <= TARGET_PAGE_P95_MS) + judged,
            )
        )
    if upload is not None and upload.requests:
        result.append(
            (
                f"upload p95 ≤ {TARGET_UPLOAD_P95_MS:.0f} ms at {TARGET_USERS} users",
                f"{upload.p95:.0f} ms",
                _met(upload.p95 <= TARGET_UPLOAD_P95_MS) + judged,
            )
        )
    if run.web_rss:
        biggest = max(run.web_rss.values())
        result.append(
            (
                f"web process RSS ≤ {TARGET_WEB_RSS_MB:.0f} MB",
                f"largest peak {biggest:.0f} MB",
                _met(biggest <= TARGET_WEB_RSS_MB),
            )
        )
    if run.embedded:
        wanted = EMBEDDED_TARGET_FACTOR * EMBEDDED_BASELINE_RPS
        note = "" if run.users == 25 else f" (at {run.users} users, not 25)"
        result.append(
            (
                f"embedded at 25 users ≥ {EMBEDDED_TARGET_FACTOR} × {EMBEDDED_BASELINE_RPS:.0f} "
                "req/s",
                f"{total.rps:.1f} req/s",
                _met(total.rps >= wanted) + note,
            )
        )
    return result


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def compare(runs: list[Run]) -> None:
    """Requests/s and p95 of each run against the first (e.g. 4 web processes against 1)."""
    base = runs[0]
    names = [r.name for r in base.rows]
    print(f"\n### Compared with {base.title}\n")
    print("| page / operation | " + " | ".join(f"{r.title}" for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for name in names:
        cells = []
        first = base.row(name)
        for run in runs:
            row = run.row(name)
            if row is None or first is None:
                cells.append("-")
                continue
            rps = f"{row.rps:.1f} req/s"
            p95 = f"p95 {row.p95:.0f} ms"
            if run is not base:
                rps += f" (× {row.rps / first.rps:.2f})" if first.rps else ""
                p95 += f" (× {row.p95 / first.p95:.2f})" if first.p95 else ""
            cells.append(f"{rps}, {p95}")
        print(f"| {name} | " + " | ".join(cells) + " |")


# ---- processes we start -----------------------------------------------------------------------


def start_moto(port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """moto in server mode on loopback (the storage tests' wire-level S3 stand-in); its objects
    live in its memory."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 — as long as moto
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if moto.poll() is not None:
            raise SystemExit("moto did not start (pip install 'moto[server]')")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return moto
        time.sleep(0.2)
    raise SystemExit("moto did not answer")


def stop(process: subprocess.Popen[Any] | None, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without HoSo's and Django's settings (the installation sets
    its own) but with the load generator's (HOSO_LOCUST_…), plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HOSO_", "DJANGO_")) or k.startswith("HOSO_LOCUST_")
    }
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


class Scaled:
    """`hoso scaled` as a child process: started, its output collected (the processes' pids,
    restarts), waited for until it serves, the environment its processes run with, stopped."""

    def __init__(
        self,
        *,
        web: int,
        workers: int,
        port: int,
        database_url: str,
        redis_url: str,
        s3_endpoint: str,
        data_dir: Path,
        env: dict[str, str],
        extra: Iterable[str] = ("--no-ratelimit",),
    ) -> None:
        self.port = port
        self.data_dir = data_dir
        self.base = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.pids: dict[str, int] = {}
        self.env = env
        argv = [
            *(sys.executable, "-m", "hoso.cli", "scaled"),
            *("--web", str(web), "--workers", str(workers), "--port", str(port)),
            *("--database-url", database_url, "--redis-url", redis_url),
            *("--s3-endpoint", s3_endpoint, "--data-dir", str(data_dir)),
            *extra,
        ]
        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("pids: "):
                self.pids.update({k: int(v) for k, v in (x.split("=") for x in line[6:].split())})
            elif line.startswith("pid "):
                name, pid = line[4:].strip().split("=")
                self.pids[name] = int(pid)

    def wait_ready(self, timeout: float = 1800) -> None:
        deadline = time.monotonic() + timeout
        while not any("http://" in line and "Ctrl+C" in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("hoso scaled did not start:\n" + "\n".join(self.lines[-30:]))
            time.sleep(1)
        while not self.pids and self.process.poll() is None:  # the line after the address
            time.sleep(0.1)

    def environment(self) -> dict[str, str]:
        """The environment of the installation's processes (its `environment` file)."""
        text = (self.data_dir / "environment").read_text()
        return {**self.env, **dict(line.split("=", 1) for line in text.splitlines() if line)}

    def named(self, prefix: str) -> list[int]:
        return [pid for name, pid in self.pids.items() if name.startswith(prefix)]

    def restarts(self) -> list[str]:
        return [line for line in self.lines if "khởi động lại" in line]

    def stop(self, timeout: float = 90) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def admin_sql(statement: str, port: int = 5432, host: str = "127.0.0.1") -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(
        dbname="postgres", user="postgres", host=host, port=port, autocommit=True
    ) as connection:
        connection.execute(statement)  # type: ignore[arg-type]
