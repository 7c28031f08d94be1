"""`hoso restore DIR` — verify a backup, then restore it into an EMPTY installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.ops.database import DatabaseError
from hoso.ops.restore import backup_verify, restore_run


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu DIR vào một cài đặt trống (kiểm tra manifest.json trước)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir")
        parser.add_argument("--check-only", action="store_true", help=_("chỉ kiểm tra bản sao lưu"))

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["dir"])
        try:
            if options["check_only"]:
                manifest = backup_verify(source)
                self.stdout.write(
                    _("Bản sao lưu toàn vẹn: %(count)s tệp khớp mã băm.")
                    % {"count": len(manifest["files"])}
                )
                return
            result = restore_run(source=source)
        except (DomainError, DatabaseError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        if result.problems:
            raise CommandError(
                _("Đã khôi phục nhưng kiểm tra thấy lỗi: ") + "; ".join(result.problems)
            )
        self.stdout.write(
            _(
                "Đã khôi phục: %(blobs)s tệp hồ sơ, nhật ký %(audit_entries)s mục (chuỗi băm hợp "
                "lệ), số dòng mọi bảng khớp bản sao lưu; chỉ mục tìm kiếm lập lại cho %(indexed)s "
                "hồ sơ."
            )
            % {
                "blobs": result.blobs,
                "audit_entries": result.audit_entries,
                "indexed": result.indexed,
            }
        )
