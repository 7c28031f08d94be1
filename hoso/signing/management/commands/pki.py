"""`hoso pki demo` — demo CA + a PKCS#12 per staff member and a seal per school;
`hoso pki serve` — local time-stamp (RFC 3161), OCSP and CRL on 127.0.0.1 for the demo CA;
`hoso pki revoke --user th1.giaovien1 | --serial HEX [--date 2025-05-20T08:00:00+07:00]` —
the demo CA revokes a certificate (kept on disk: `serve` answers the same after a restart)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Chữ ký số demo: 'demo' tạo chứng thư số demo; 'serve' chạy TSA/OCSP/CRL cục bộ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["demo", "serve", "revoke"])
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--user", default="")
        parser.add_argument("--serial", default="")
        parser.add_argument("--date", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.conf import settings

        from hoso.signing import conf
        from hoso.signing.demo import create_demo_pki

        if opts["action"] == "demo":
            if not getattr(settings, "DEMO_MODE", False):
                raise CommandError("Chỉ dùng ở chế độ demo (HOSO_DEMO_MODE=1).")
            made = create_demo_pki()
            self.stdout.write(
                f"Đã tạo {made['people']} chứng thư cá nhân, {made['seals']} chứng thư con dấu "
                f"trong {conf.pki_dir()} (mật khẩu: {settings.DEMO_PASSWORD})."
            )
            return
        if not (conf.pki_dir() / "ca" / "intermediate.key").exists():
            raise CommandError("Chưa có CA demo: chạy 'hoso pki demo' trước.")
        if opts["action"] == "revoke":
            self._revoke(opts)
            return
        from urllib.parse import urlparse

        from hoso.signing.demo import trust_services

        port = opts["port"] or urlparse(conf.pki_url()).port or 8790
        with trust_services(port) as services:
            self.stdout.write(
                f"TSA: {services.tsa_url}\nOCSP: {services.ocsp_url}\nCRL: {services.crl_url}"
            )
            self.stdout.write(f"Đặt HOSO_SIGNING_TSA_URL={services.tsa_url} để ký mức PAdES B-T.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass

    def _revoke(self, opts: dict[str, Any]) -> None:
        import datetime as dt

        from hoso.signing.demo import revocation_store
        from hoso.signing.models import Certificate

        if opts["user"]:
            cert = Certificate.objects.filter(owner__username=opts["user"]).order_by("-pk").first()
            if cert is None:
                raise CommandError(f"Không có chứng thư số của {opts['user']}.")
            serial, name = int(cert.serial, 16), cert.common_name
        elif opts["serial"]:
            try:
                serial, name = int(opts["serial"], 16), opts["serial"]
            except ValueError as exc:
                raise CommandError("Số hiệu (serial) phải ở dạng hex.") from exc
        else:
            raise CommandError("Hãy cho --user hoặc --serial.")
        try:
            when = dt.datetime.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError as exc:
            raise CommandError("Ngày thu hồi phải theo ISO 8601.") from exc
        moment = revocation_store().revoke(serial, when)
        self.stdout.write(f"Đã thu hồi chứng thư số của {name} từ {moment.isoformat()}.")
