"""`hoso pki demo` — demo CA + a PKCS#12 per staff member and a seal per school;
`hoso pki serve` — local time-stamp (RFC 3161), OCSP and CRL on 127.0.0.1 for the demo CA;
`hoso pki revoke --user th1.giaovien1 | --serial HEX [--date 2025-05-20T08:00:00+07:00]` —
the demo CA revokes a certificate (kept on disk: `serve` answers the same after a restart)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


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
                raise CommandError(_("Chỉ dùng ở chế độ demo (HOSO_DEMO_MODE=1)."))
            made = create_demo_pki()
            self.stdout.write(
                _(
                    "Đã tạo %(people)s chứng thư cá nhân, %(seals)s chứng thư con dấu trong "
                    "%(pki_dir)s (mật khẩu: %(password)s)."
                )
                % {
                    "people": made["people"],
                    "seals": made["seals"],
                    "pki_dir": conf.pki_dir(),
                    "password": settings.DEMO_PASSWORD,
                }
            )
            return
        if not (conf.pki_dir() / "ca" / "intermediate.key").exists():
            raise CommandError(_("Chưa có CA demo: chạy 'hoso pki demo' trước."))
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
            self.stdout.write(
                _("Đặt HOSO_SIGNING_TSA_URL=%(tsa_url)s để ký mức PAdES B-T.")
                % {"tsa_url": services.tsa_url}
            )
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
                raise CommandError(
                    _("Không có chứng thư số của %(user)s.") % {"user": opts["user"]}
                )
            serial, name = int(cert.serial, 16), cert.common_name
        elif opts["serial"]:
            try:
                serial, name = int(opts["serial"], 16), opts["serial"]
            except ValueError as exc:
                raise CommandError(_("Số hiệu (serial) phải ở dạng hex.")) from exc
        else:
            raise CommandError(_("Hãy cho --user hoặc --serial."))
        try:
            when = dt.datetime.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError as exc:
            raise CommandError(_("Ngày thu hồi phải theo ISO 8601.")) from exc
        moment = revocation_store().revoke(serial, when)
        self.stdout.write(
            _("Đã thu hồi chứng thư số của %(name)s từ %(isoformat)s.")
            % {"name": name, "isoformat": moment.isoformat()}
        )
