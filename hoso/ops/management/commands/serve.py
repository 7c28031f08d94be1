"""`hoso serve`: the embedded mode in one command — a waitress web server and the task worker."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Chạy máy chủ web (waitress) cùng tiến trình xử lý việc nền."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help=_("không chạy việc nền"))

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from hoso.search.maintenance import search_warm_in_background
        from hoso.wsgi import application

        search_warm_in_background()  # the first searches after a restart need not wait for disk
        from hoso.signing.demo import start_demo_trust_services

        start_demo_trust_services()  # demo mode: TSA/OCSP/CRL in-process, before the worker
        # SIGTERM (systemd stop, kill) ends the server like Ctrl+C does: through the `finally`
        # below, so that the worker is stopped too instead of running on without its server.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(  # noqa: S603 — our own interpreter and command
                [sys.executable, "-m", "hoso.cli", "run_huey", "--workers", "2", "-k", "thread"]
            )
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="HoSo",
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)
