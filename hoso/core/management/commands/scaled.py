"""`hoso scaled --web N --workers M [--port 8080]`: a whole scaled installation on one machine,
for testing and drills (docs/operations.md §1, "One machine, scaled").

It starts, as separate processes: N `hoso serve --no-worker` on consecutive loopback ports after
`--port`, M `hoso run_huey` workers, the demo TSA/OCSP/CRL (`hoso pki serve`), an S3-compatible
server (moto in server mode, the wire-level stand-in the storage tests use) unless
`--s3-endpoint` names one, and HAProxy on `--port` balancing over the web processes with health
checks (GET /healthz). All of them use the local PostgreSQL (a database of their own, created
if missing, migrated, the demo province loaded when it is empty) and Redis (queue, cache,
sessions' helpers, rate limits). A web process or worker that dies is started again; Ctrl+C or
SIGTERM stops them all (and, should this command itself be killed, the kernel sends every
child SIGTERM: PR_SET_PDEATHSIG).

A management command rather than a `make` target: it must supervise (restart a killed web
process, wait for health, stop everything in order on a signal), create the database and the
bucket, and it runs wherever `hoso` runs, with no make or shell script around it.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 20.0


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervising process goes away."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the supervisor's own stop path still ends the children
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path
    restart: bool = True
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str]) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and commands
                self.argv,
                env={**env, **self.extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl+C reaches the supervisor only: it stops in order
                preexec_fn=_die_with_parent,  # noqa: PLW1509 — no threads started before this
            )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Command(BaseCommand):
    help = "Chạy thử một cài đặt quy mô lớn trên một máy: N tiến trình web, M tiến trình nền."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--web", type=int, default=2, help=_("số tiến trình web"))
        parser.add_argument("--workers", type=int, default=1, help=_("số tiến trình nền"))
        parser.add_argument("--port", type=int, default=8080, help=_("cổng của bộ cân bằng tải"))
        parser.add_argument("--host", default="127.0.0.1", help=_("địa chỉ của bộ cân bằng tải"))
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/hoso_scaled",
            help=_("cơ sở dữ liệu PostgreSQL (tạo nếu chưa có)"),
        )
        parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
        parser.add_argument(
            "--s3-endpoint", default="", help=_("kho S3 có sẵn; bỏ trống: chạy moto server")
        )
        parser.add_argument("--s3-bucket", default="hoso-scaled")
        parser.add_argument("--data-dir", default="", help=_("thư mục dữ liệu dùng chung"))
        parser.add_argument("--threads", type=int, default=8, help=_("luồng mỗi tiến trình web"))
        parser.add_argument("--worker-threads", type=int, default=2)
        parser.add_argument("--no-demo", action="store_true", help=_("không nạp dữ liệu demo"))
        parser.add_argument(
            "--no-ratelimit",
            action="store_true",
            help=_("tắt giới hạn tần suất (mọi người dùng đến từ một địa chỉ của bộ cân bằng)"),
        )
        parser.add_argument("--haproxy", default="haproxy", help=_("lệnh HAProxy"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["web"] < 1 or options["workers"] < 1:
            raise CommandError(_("Cần ít nhất một tiến trình web và một tiến trình nền."))
        haproxy = shutil.which(options["haproxy"])
        if haproxy is None:
            raise CommandError(
                _("Không tìm thấy HAProxy: cài gói Debian 'haproxy' (apt-get install haproxy).")
            )
        if urlparse(options["database_url"]).scheme not in ("postgres", "postgresql"):
            raise CommandError(_("Chế độ quy mô lớn cần PostgreSQL (--database-url postgres://…)."))
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        data_dir = Path(options["data_dir"] or f"{settings.DATA_DIR}-scaled").resolve()
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.children: list[Child] = []
        try:
            self._run(options, data_dir, haproxy)
        finally:
            self._stop_all()

    # ---- start ----

    def _run(self, options: dict[str, Any], data_dir: Path, haproxy: str) -> None:
        logs = data_dir / "logs"
        python = [sys.executable, "-m", "hoso.cli"]
        port = options["port"]
        web_ports = [port + i for i in range(1, options["web"] + 1)]
        pki_port = port + 99
        env = self._environment(options, data_dir, pki_port)

        # moto keeps its objects in memory: a database left from an earlier run would point at
        # files that are gone. With it the installation starts afresh; with a real store
        # (--s3-endpoint: MinIO, Ceph RGW…) the database and the bucket are kept.
        create_database(options["database_url"], fresh=not options["s3_endpoint"])
        if options["s3_endpoint"]:
            env["HOSO_S3_ENDPOINT_URL"] = options["s3_endpoint"]
        else:
            s3_port = port + 98
            moto = Child(
                "s3",
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
                logs / "s3.log",
                restart=False,  # moto keeps its objects in memory: a restart would lose them
                extra_env={"MOTO_ALLOW_NONEXISTENT_REGION": "true"},
            )
            self.children.append(moto)
            moto.start(env)
            env["HOSO_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{s3_port}"
            wait_for_port("127.0.0.1", s3_port, moto)
        create_bucket(env)

        self._say(_("Chuẩn bị cơ sở dữ liệu (migrate, dữ liệu demo nếu còn trống)…"))
        self._once([*python, "migrate", "--noinput", "-v0"], env)
        if not options["no_demo"]:
            self._once([*python, "demo", "--if-empty"], env)
        self._once([*python, "collectstatic", "--noinput", "-v0"], env)
        if self.stopping:
            return

        if env.get("HOSO_DEMO_MODE") == "1" and (data_dir / "pki" / "ca").exists():
            # The demo CA's TSA/OCSP/CRL as a process of its own (each web process would
            # otherwise try to open the same port): every web process and worker uses it.
            env["HOSO_SIGNING_TSA_URL"] = f"{env['HOSO_PKI_URL']}/tsa"
            env["HOSO_SIGNING_LEVEL"] = "B-LT"
            self.children.append(
                Child("pki", [*python, "pki", "serve", "--port", str(pki_port)], logs / "pki.log")
            )
        for number, web_port in enumerate(web_ports, start=1):
            self.children.append(
                Child(
                    f"web{number}",
                    [
                        *python,
                        "serve",
                        "--no-worker",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(web_port),
                        "--threads",
                        str(options["threads"]),
                    ],
                    logs / f"web{number}.log",
                )
            )
        for number in range(1, options["workers"] + 1):
            self.children.append(
                Child(
                    f"worker{number}",
                    [*python, "run_huey", "-w", str(options["worker_threads"]), "-k", "thread"],
                    logs / f"worker{number}.log",
                )
            )
        config = data_dir / "haproxy.cfg"
        config.write_text(
            haproxy_config(options["host"], port, web_ports, data_dir, options["threads"]), "utf-8"
        )
        self.children.append(
            Child("haproxy", [haproxy, "-f", str(config), "-db"], logs / "haproxy.log")
        )
        # The processes' environment, for commands by hand (`env $(cat …/environment) hoso …`)
        # and for the restart drill's checks; mode 600, as the secret key file it names.
        environment = data_dir / "environment"
        environment.write_text(
            "".join(
                f"{k}={v}\n"
                for k, v in sorted(env.items())
                if k.startswith(("HOSO_", "DATABASE_URL"))
            ),
            encoding="utf-8",
        )
        environment.chmod(0o600)
        for child in self.children:
            if child.process is None:
                child.start(env)
        for web_port in web_ports:
            wait_healthy(f"http://127.0.0.1:{web_port}/healthz", lambda: self.stopping)
        wait_healthy(f"http://{options['host']}:{port}/healthz", lambda: self.stopping)
        if self.stopping:
            return
        self._say(
            _(
                "HoSo (quy mô lớn) đang chạy tại http://%(host)s:%(port)s/ — %(web)s tiến trình "
                "web (cổng %(first)s–%(last)s), %(workers)s tiến trình nền, nhật ký trong "
                "%(logs)s (Ctrl+C để dừng)"
            )
            % {
                "host": options["host"],
                "port": port,
                "web": options["web"],
                "first": web_ports[0],
                "last": web_ports[-1],
                "workers": options["workers"],
                "logs": logs,
            }
        )
        self._say("pids: " + " ".join(f"{c.name}={c.pid}" for c in self.children))
        self._supervise(env)

    def _environment(
        self, options: dict[str, Any], data_dir: Path, pki_port: int
    ) -> dict[str, str]:
        key_file = data_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="hoso.settings",
            PYTHONPATH=str(settings.BASE_DIR),
            HOSO_DATA_DIR=str(data_dir),
            # One key for every process (sessions, CSRF, signed values): on several machines
            # every one reads the same HOSO_SECRET_KEY(_FILE).
            HOSO_SECRET_KEY_FILE=str(key_file),
            DATABASE_URL=options["database_url"],
            HOSO_DB_CONN_MAX_AGE="60",
            HOSO_REDIS_URL=options["redis_url"],
            HOSO_SEARCH_BACKEND="postgres",
            HOSO_BLOB_STORE="s3",
            HOSO_S3_BUCKET=options["s3_bucket"],
            HOSO_S3_REGION="us-east-1",
            HOSO_S3_ACCESS_KEY_ID=os.environ.get("HOSO_S3_ACCESS_KEY_ID", "hoso-scaled"),
            HOSO_S3_SECRET_ACCESS_KEY=os.environ.get("HOSO_S3_SECRET_ACCESS_KEY", "hoso-scaled"),
            HOSO_DEMO_MODE="0" if options["no_demo"] else "1",
            HOSO_PKI_URL=f"http://127.0.0.1:{pki_port}",
            HOSO_ALLOWED_HOSTS=f"127.0.0.1,localhost,{options['host']}",
            HOSO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        )
        if options["no_ratelimit"]:
            env["HOSO_RATELIMIT"] = "0"
        for name in ("HOSO_LOG_LEVEL", "HOSO_DEMO_TODAY", "HOSO_DEBUG"):
            if os.environ.get(name):
                env[name] = os.environ[name]
        return env

    def _once(self, argv: list[str], env: dict[str, str]) -> None:
        if self.stopping:
            return
        result = subprocess.run(argv, env=env, check=False, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509
        if result.returncode != 0 and not self.stopping:
            raise CommandError(_("Lệnh %(command)s thất bại.") % {"command": " ".join(argv[3:])})

    # ---- run and stop ----

    def _supervise(self, env: dict[str, str]) -> None:
        while not self.stopping:
            for child in self.children:
                if child.alive() or self.stopping:
                    continue
                code = child.process.returncode if child.process is not None else None
                if not child.restart:
                    raise CommandError(
                        _("Tiến trình %(name)s đã dừng (mã %(code)s).")
                        % {"name": child.name, "code": code}
                    )
                self._say(
                    _("Tiến trình %(name)s đã dừng (mã %(code)s), khởi động lại.")
                    % {"name": child.name, "code": code}
                )
                child.start(env)
                self._say(f"pid {child.name}={child.pid}")
            time.sleep(0.5)

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        """The balancer first (no new requests), then web and workers, the store last."""
        self.stopping = True
        order = sorted(
            self.children,
            key=lambda c: {"haproxy": 0, "s3": 3, "pki": 2}.get(c.name, 1),
        )
        for rank in (0, 1, 2, 3):
            group = [
                c
                for c in order
                if {"haproxy": 0, "s3": 3, "pki": 2}.get(c.name, 1) == rank and c.alive()
            ]
            for child in group:
                assert child.process is not None
                child.process.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT
            for child in group:
                assert child.process is not None
                try:
                    child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait()
        if self.children:
            self._say(_("Đã dừng mọi tiến trình."))

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


# ---- helpers (also used by bench/bench_restarts.py and tests/scaled) ----


def haproxy_config(
    host: str, port: int, web_ports: list[int], data_dir: Path, threads: int = 8
) -> str:
    """HAProxy in front of the web processes: least connections, a health check every two
    seconds, a request that could not connect, or a GET whose server died before answering,
    retried on another, and Vietnamese pages when no web process answers (503: the request was
    not carried out) or one died while answering (502, 504: it may have been).

    A web process gets at most `threads` requests at once; the others wait in HAProxy's queue
    (up to 30 s) rather than in the process. A busy process is not a dead one: its health
    check may take up to 10 s and must fail three times in a row. With a 1 s check timeout a
    process under load was taken out of the pool, and with one process every request got the
    503 page (measured: 1,125 of 1,929 requests at 50 users, docs/benchmarks.md)."""
    from hoso.core.unavailable import UNAVAILABLE_MESSAGE

    maybe_done = _(
        "Hệ thống đang tạm gián đoạn trong giây lát. Yêu cầu có thể đã được thực hiện hoặc "
        "chưa: hãy mở lại trang để kiểm tra trước khi thử lại."
    )
    pages = {
        503: ("503 Service Unavailable", str(UNAVAILABLE_MESSAGE)),
        502: ("502 Bad Gateway", maybe_done),
        504: ("504 Gateway Timeout", maybe_done),
    }
    errorfiles = []
    for code, (status, text) in pages.items():
        html = (
            '<!doctype html><html lang="vi"><meta charset="utf-8"><title>HoSo</title>'
            f"<p>{text}</p></html>"
        ).encode()
        page = data_dir / f"{code}.http"
        page.write_bytes(
            f"HTTP/1.0 {status}\r\nCache-Control: no-store\r\nRetry-After: 30\r\n".encode()
            + b"Connection: close\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(html)}\r\n\r\n".encode()
            + html
        )
        errorfiles.append(f"  errorfile {code} {page}")
    servers = "\n".join(
        f"  server web{n} 127.0.0.1:{p} check" for n, p in enumerate(web_ports, start=1)
    )
    return f"""global
  maxconn 4096

defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-request 30s
  timeout queue 30s
  timeout check 10s
  retries 3
  option redispatch
  retry-on conn-failure empty-response
  option http-server-close
{chr(10).join(errorfiles)}

frontend hoso
  bind {host}:{port}
  # A GET whose web process died before answering is sent to another; never a POST (it may
  # have been carried out: the user gets the 502 page that says to check first).
  http-request disable-l7-retry unless METH_GET || METH_HEAD
  default_backend web

backend web
  balance leastconn
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
  http-check expect status 200
  default-server inter 2s fall 3 rise 1 maxconn {threads}
{servers}
"""


def create_database(url: str, *, fresh: bool = False) -> None:
    """CREATE DATABASE when it does not exist yet (through the server's `postgres` database);
    `fresh`: drop it first."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        dbname="postgres",
        user=parts.username or None,
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        autocommit=True,
    ) as admin:
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


def create_bucket(env: dict[str, str]) -> None:
    import boto3
    from botocore.exceptions import ClientError

    client = boto3.client(
        "s3",
        endpoint_url=env["HOSO_S3_ENDPOINT_URL"],
        region_name=env["HOSO_S3_REGION"],
        aws_access_key_id=env["HOSO_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["HOSO_S3_SECRET_ACCESS_KEY"],
    )
    try:
        client.create_bucket(Bucket=env["HOSO_S3_BUCKET"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in (
            "BucketAlreadyOwnedByYou",
            "BucketAlreadyExists",
        ):
            raise


def wait_for_port(host: str, port: int, child: Child, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise CommandError(_("Tiến trình %(name)s không chạy được.") % {"name": child.name})
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise CommandError(_("Tiến trình %(name)s không chạy được.") % {"name": child.name})


def wait_healthy(url: str, stopping: Any, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    if not stopping():
        raise CommandError(_("Không có trả lời từ %(url)s.") % {"url": url})
