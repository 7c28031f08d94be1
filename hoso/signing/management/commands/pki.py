"""`hoso pki demo` — demo CA + a PKCS#12 per staff member and a seal per school;
`hoso pki serve` — local time-stamp (RFC 3161), OCSP and CRL on 127.0.0.1 for the demo CA."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Chữ ký số demo: 'demo' tạo chứng thư số demo; 'serve' chạy TSA/OCSP/CRL cục bộ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["demo", "serve"])
        parser.add_argument("--port", type=int, default=8790)

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.conf import settings

        from hoso.signing import conf
        from hoso.signing.demo import create_demo_pki, load_ca

        if opts["action"] == "demo":
            if not getattr(settings, "DEMO_MODE", False):
                raise CommandError("Chỉ dùng ở chế độ demo (HOSO_DEMO_MODE=1).")
            made = create_demo_pki()
            self.stdout.write(
                f"Đã tạo {made['people']} chứng thư cá nhân, {made['seals']} chứng thư con dấu "
                f"trong {conf.pki_dir()} (mật khẩu: {settings.DEMO_PASSWORD})."
            )
            return
        from hoso.signing.engine.localservices import LocalTrustServices

        if not (conf.pki_dir() / "ca" / "intermediate.key").exists():
            raise CommandError("Chưa có CA demo: chạy 'hoso pki demo' trước.")
        with LocalTrustServices(load_ca(conf.pki_dir()), port=opts["port"]) as services:
            self.stdout.write(
                f"TSA: {services.tsa_url}\nOCSP: {services.ocsp_url}\nCRL: {services.crl_url}"
            )
            self.stdout.write(f"Đặt HOSO_SIGNING_TSA_URL={services.tsa_url} để ký mức PAdES B-T.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
