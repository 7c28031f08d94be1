"""`hoso restore DIR` — verify a backup, then restore it into an EMPTY installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.ops.database import DatabaseError
from hoso.ops.restore import backup_verify, restore_run


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu DIR vào một cài đặt trống (kiểm tra manifest.json trước)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir")
        parser.add_argument("--check-only", action="store_true", help="chỉ kiểm tra bản sao lưu")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["dir"])
        try:
            if options["check_only"]:
                manifest = backup_verify(source)
                self.stdout.write(
                    f"Bản sao lưu toàn vẹn: {len(manifest['files'])} tệp khớp mã băm."
                )
                return
            result = restore_run(source=source)
        except (DomainError, DatabaseError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        if result.problems:
            raise CommandError(
                "Đã khôi phục nhưng kiểm tra thấy lỗi: " + "; ".join(result.problems)
            )
        self.stdout.write(
            f"Đã khôi phục: {result.blobs} tệp hồ sơ, nhật ký {result.audit_entries} mục "
            "(chuỗi băm hợp lệ), số dòng mọi bảng khớp bản sao lưu; "
            f"chỉ mục tìm kiếm lập lại cho {result.indexed} hồ sơ."
        )
