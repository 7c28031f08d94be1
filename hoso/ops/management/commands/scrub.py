"""`hoso scrub` — re-hash every stored file; report missing or corrupt ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hoso.ops.scrub import scrub_run


class Command(BaseCommand):
    help = "Kiểm tra lại mã băm của mọi tệp đã lưu và mọi tệp cơ sở dữ liệu trỏ tới."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-notify", action="store_true", help=_("không gửi e-mail quản trị"))

    def handle(self, *args: Any, **options: Any) -> None:
        report = scrub_run(notify=not options["no_notify"])
        self.stdout.write(
            _(
                "Đã kiểm tra %(checked)s tệp (%(bytes)s byte); cơ sở dữ liệu trỏ tới "
                "%(referenced)s; không được trỏ tới %(unreferenced)s."
            )
            % {
                "checked": report.checked,
                "bytes": report.bytes,
                "referenced": report.referenced,
                "unreferenced": report.unreferenced,
            }
        )
        for sha in report.corrupt:
            self.stdout.write(_("HỎNG %(sha)s") % {"sha": sha})
        for sha in report.missing:
            self.stdout.write(_("MẤT  %(sha)s") % {"sha": sha})
        if not report.ok:
            raise CommandError(
                _(
                    "%(corrupt)s tệp hỏng, %(missing)s tệp mất — xem docs/operations.md để khôi "
                    "phục từ bản sao lưu."
                )
                % {"corrupt": len(report.corrupt), "missing": len(report.missing)}
            )
