from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.org.demo import NAMED_ACCOUNTS, demo_exists, load_demo


class Command(BaseCommand):
    help = (
        "Tải lại tỉnh trình diễn (xóa toàn bộ dữ liệu hiện có!). "
        "Dùng --if-empty để chỉ tải khi chưa có."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="chỉ tải khi cơ sở dữ liệu chưa có tỉnh trình diễn",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="cho phép xóa dữ liệu khi không ở chế độ trình diễn",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_exists():
            self.stdout.write("Tỉnh trình diễn đã có sẵn.")
        else:
            if not (settings.DEMO_MODE or options["force"]):
                raise CommandError(
                    "`hoso demo` xóa toàn bộ dữ liệu: "
                    "chỉ chạy khi HOSO_DEMO_MODE=1 hoặc thêm --force."
                )
            if demo_exists() or options["force"]:
                call_command("flush", interactive=False, verbosity=0)
            province = load_demo()
            self.stdout.write(
                f"Đã tải tỉnh trình diễn “Tỉnh Demo”, năm học {province.year.name}, "
                f"quanh ngày {province.today:%d/%m/%Y}."
            )
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\nTài khoản trình diễn (mật khẩu: {settings.DEMO_PASSWORD}):")
        for username, (_, position, _) in NAMED_ACCOUNTS.items():
            self.stdout.write(f"  {username:<20} {position}")
