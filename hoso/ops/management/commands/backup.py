"""`hoso backup DIR` — a verified backup of database, files and configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.ops.backup import BackupError, backup_create
from hoso.ops.database import DatabaseError
from hoso.ops.schedule import backup_scheduled


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, kho tệp và cấu hình vào thư mục DIR (kèm manifest.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", nargs="?", help=_("thư mục mới hoặc trống"))
        parser.add_argument(
            "--link-from", help=_("bản sao lưu trước, cùng ổ: liên kết cứng tệp giống")
        )
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help=_("chạy như lịch tự động ngay bây giờ (HOSO_BACKUP_DIR, bản thứ hai, giữ N bản)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scheduled"]:
            for result in backup_scheduled(force=True):
                self.stdout.write(_("Đã sao lưu vào %(path)s") % {"path": result.path})
            return
        if not options["dir"]:
            raise CommandError(_("Hãy cho biết thư mục sao lưu: hoso backup DIR"))
        link_from = Path(options["link_from"]) if options["link_from"] else None
        try:
            result = backup_create(dest=Path(options["dir"]), link_from=link_from)
        except (BackupError, DatabaseError) as error:
            raise CommandError(str(error)) from None
        audit_log(
            "ops.backup.created",
            actor_name="hoso backup",
            data={
                "path": str(result.path),
                "files": result.files,
                "blobs": result.blobs,
                "problems": result.problems[:50],
            },
        )
        self.stdout.write(
            _("Đã sao lưu vào %(path)s: %(files)s tệp (%(blobs)s tệp hồ sơ), %(bytes)s byte.")
            % {
                "path": result.path,
                "files": result.files,
                "blobs": result.blobs,
                "bytes": result.bytes,
            }
        )
        if result.problems:
            raise CommandError(
                _("Sao lưu xong nhưng có vấn đề: ") + "; ".join(result.problems[:20])
            )
