"""`hoso scrub` — re-hash every stored file; report missing or corrupt ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.ops.scrub import scrub_run


class Command(BaseCommand):
    help = "Kiểm tra lại mã băm của mọi tệp đã lưu và mọi tệp cơ sở dữ liệu trỏ tới."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-notify", action="store_true", help="không gửi e-mail quản trị")

    def handle(self, *args: Any, **options: Any) -> None:
        report = scrub_run(notify=not options["no_notify"])
        self.stdout.write(
            f"Đã kiểm tra {report.checked} tệp ({report.bytes} byte); cơ sở dữ liệu trỏ tới "
            f"{report.referenced}; không được trỏ tới {report.unreferenced}."
        )
        for sha in report.corrupt:
            self.stdout.write(f"HỎNG {sha}")
        for sha in report.missing:
            self.stdout.write(f"MẤT  {sha}")
        if not report.ok:
            raise CommandError(
                f"{len(report.corrupt)} tệp hỏng, {len(report.missing)} tệp mất — xem "
                "docs/operations.md để khôi phục từ bản sao lưu."
            )
