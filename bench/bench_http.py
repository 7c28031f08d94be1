"""CPU and time per request of the real web server over HTTP (issue 20: where the CPU goes).

    .venv/bin/python bench/bench_http.py                       # this checkout, ≈ 3 min + demo load
    .venv/bin/python bench/bench_http.py --compare main~3      # A/B: REF's code vs this checkout
    .venv/bin/python bench/bench_http.py --data-dir DIR --keep # reuse / keep a loaded demo

Starts `hoso serve --no-worker` (waitress, 8 threads, embedded SQLite) on a throw-away data
directory with the demo province, logs in over HTTP as demo accounts and requests each page
one after another. For every page it reports the web process's CPU per request (user + system
time of the whole process from /proc, the figure that decides requests/s once a core is
saturated) and the median wall time. With --compare REF a second server runs REF's code
(a detached git worktree, same data directory: REF must have the same migrations) and the two
are measured alternately, round by round, so that both see the same machine load; the table
gives the ratio this/REF. The machine's load average is printed: CPU figures on a loaded box
are inflated for both sides alike, wall times much more so.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "hoso-demo-2025"  # the demo password (hoso/settings.py DEMO_PASSWORD)
SEARCH = "k%E1%BA%BF+ho%E1%BA%A1ch"  # "kế hoạch"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def env_for(data_dir: Path, code: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOSO_DATA_DIR=str(data_dir),
        HOSO_DEMO_MODE="1",
        PYTHONPATH=str(code),
        DJANGO_SETTINGS_MODULE="hoso.settings",
        HOSO_RATELIMIT="0",  # one client sends hundreds of requests a minute
    )
    env.pop("DATABASE_URL", None)
    env.pop("HOSO_REDIS_URL", None)
    return env


def hoso(code: Path, data_dir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "hoso.cli", *args],
        env=env_for(data_dir, code),
        cwd=code,
        check=True,
    )


@dataclass
class Server:
    name: str
    code: Path
    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    cpu: dict[str, list[float]] = field(default_factory=dict)
    wall: dict[str, list[float]] = field(default_factory=dict)

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hoso.cli", "serve", "--no-worker", "--port", str(self.port)],
            env=env_for(self.data_dir, self.code),
            cwd=self.code,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name}: the server did not answer within 120 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def login(server: Server, username: str) -> requests.Session:
    session = requests.Session()
    session.get(server.url("/tai-khoan/login/"))
    response = session.post(
        server.url("/tai-khoan/login/"),
        data={
            "login": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": server.url("/tai-khoan/login/")},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: {response.status_code}")
    return session


def pdf_bytes(size: int, seed: int) -> bytes:
    """A valid PDF of about `size` bytes, each different (content addressing stores each)."""
    from hoso.records.pdfmaker import simple_pdf

    return simple_pdf(f"Kế hoạch bài dạy {seed}", ["Môn Toán"], pad_to=size)


@dataclass
class Page:
    name: str
    user: str
    path: str
    upload: bool = False


def pages(server: Server, sessions: dict[str, requests.Session]) -> list[Page]:
    mine = sessions["th1.giaovien1"].get(server.url("/ho-so/")).text
    ids = re.findall(r'href="/ho-so/(\d+)/"', mine)
    found = [
        Page("healthz (floor)", "th1.giaovien1", "/healthz"),
        Page("login page (anonymous)", "", "/tai-khoan/login/"),
        Page("home, teacher", "th1.giaovien1", "/"),
        Page("my records, teacher", "th1.giaovien1", "/ho-so/"),
        Page("upload form, teacher", "th1.giaovien1", "/ho-so/tai-len/"),
        Page("home, tổ trưởng", "th1.totruong", "/"),
        Page("review queue, tổ trưởng", "th1.totruong", "/ho-so/cho-duyet/"),
        Page("home, principal", "th1.hieutruong", "/"),
        Page("sign queue, principal", "th1.hieutruong", "/ky-so/cho-ky/"),
        Page("home, chuyên viên Sở", "so.chuyenvien", "/"),
        Page("completion, chuyên viên Sở", "so.chuyenvien", "/ho-so/tinh-hinh-nop/"),
        Page(
            "search, chuyên viên Sở", "so.chuyenvien", "/ho-so/tim-kiem/?q=k%E1%BA%BF+ho%E1%BA%A1ch"
        ),
        Page("upload 1 MB PDF, teacher", "th1.giaovien1", "/ho-so/tai-len/", upload=True),
    ]
    if ids:
        found.insert(4, Page("record detail, teacher", "th1.giaovien1", f"/ho-so/{ids[0]}/"))
    return found


def upload_form(session: requests.Session, server: Server) -> dict[str, str]:
    html = session.get(server.url("/ho-so/tai-len/")).text
    types = re.findall(r'<option value="([^"]+)"', html.split('name="record_type"', 1)[1])
    wanted = "TT28.KHBD" if "TT28.KHBD" in types else types[0]  # kế hoạch bài dạy
    return {"record_type": wanted, "title": "Kế hoạch bài dạy (đo tải)"}


def measure(
    server: Server, page: Page, session: requests.Session, count: int, seq: list[int]
) -> None:
    fields = upload_form(session, server) if page.upload else {}
    started_cpu = cpu_seconds(server.process.pid)  # type: ignore[union-attr]
    walls = []
    for _ in range(count):
        if page.upload:
            seq[0] += 1
            pdf = pdf_bytes(1_000_000, seq[0])
        began = time.perf_counter()
        if page.upload:
            response = session.post(
                server.url(page.path),
                data={**fields, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                files={"file": (f"kh-{seq[0]}.pdf", pdf, "application/pdf")},
                headers={"Referer": server.url(page.path)},
                allow_redirects=False,
            )
            ok = response.status_code == 302
        else:
            response = session.get(server.url(page.path), allow_redirects=False)
            ok = response.status_code == 200
        walls.append(time.perf_counter() - began)
        if not ok:
            raise SystemExit(f"{server.name} {page.name}: HTTP {response.status_code}")
    spent = cpu_seconds(server.process.pid) - started_cpu  # type: ignore[union-attr]
    server.cpu.setdefault(page.name, []).append(spent * 1000 / count)
    server.wall.setdefault(page.name, []).append(statistics.median(walls) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="REF", help="git ref measured alongside")
    parser.add_argument("--data-dir", help="use (and fill if empty) this data directory")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="hoso-bench-http-"))
    data_dir = Path(args.data_dir).resolve() if args.data_dir else temp / "data"
    servers = [Server("this", ROOT, data_dir)]
    try:
        if args.compare:
            other = temp / "ref"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(other), args.compare],
                cwd=ROOT,
                check=True,
            )
            servers.insert(0, Server(args.compare, other, data_dir))
        if not (data_dir / "hoso.sqlite3").exists():
            print(f"loading the demo province into {data_dir} …", flush=True)
            hoso(ROOT, data_dir, "migrate", "--noinput", "-v0")
            hoso(ROOT, data_dir, "demo", "--if-empty")
        for server in servers:
            server.start()
        users = ["th1.giaovien1", "th1.totruong", "th1.hieutruong", "so.chuyenvien"]
        sessions = {s.name: {u: login(s, u) for u in users} for s in servers}
        for s in servers:
            sessions[s.name][""] = requests.Session()
        plan = pages(servers[0], sessions[servers[0].name])
        seq = [int(time.time())]
        print(f"load average before: {loadavg()}", flush=True)
        for round_number in range(args.rounds):
            for page in plan:
                for server in servers if round_number % 2 == 0 else servers[::-1]:
                    session = sessions[server.name][page.user]
                    warm = 1 if page.upload else 3
                    measure(server, page, session, warm, seq)  # warm-up, then dropped
                    server.cpu[page.name].pop()
                    server.wall[page.name].pop()
                    measure(server, page, session, args.requests, seq)
        print(f"load average after:  {loadavg()}")
        report(servers, plan, args)
    finally:
        for server in servers:
            server.stop()
        if args.compare:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(temp / "ref")], cwd=ROOT, check=False
            )
        if args.keep:
            print(f"kept: {data_dir}")
        if not (args.keep and data_dir.is_relative_to(temp)):
            shutil.rmtree(temp, ignore_errors=True)  # never a --data-dir given from outside


def report(servers: list[Server], plan: list[Page], args: argparse.Namespace) -> None:
    print(
        f"\n{args.requests} requests per page and round, {args.rounds} rounds; "
        "CPU = web process user+system ms per request (median of rounds); wall = median ms"
    )
    head = "| page |" + "".join(f" CPU {s.name} | wall {s.name} |" for s in servers)
    if len(servers) == 2:
        head += f" CPU {servers[1].name}/{servers[0].name} |"
    print(head)
    print("|---|" + "---|---|" * len(servers) + ("---|" if len(servers) == 2 else ""))
    for page in plan:
        row = f"| {page.name} |"
        cpus = []
        for server in servers:
            cpu = statistics.median(server.cpu[page.name])
            cpus.append(cpu)
            row += f" {cpu:.1f} | {statistics.median(server.wall[page.name]):.1f} |"
        if len(servers) == 2:
            row += f" {cpus[1] / cpus[0]:.2f} |" if cpus[0] else " – |"
        print(row)


if __name__ == "__main__":
    main()
