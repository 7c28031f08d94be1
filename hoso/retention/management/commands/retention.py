"""`hoso retention propose [--date YYYY-MM-DD]` and `hoso retention sweep`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Lưu trữ và tiêu hủy: lập đề nghị tiêu hủy (propose) hoặc xóa tệp đã tiêu hủy (sweep)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["propose", "sweep"])
        parser.add_argument("--date", help="ngày tính hết hạn (YYYY-MM-DD), mặc định hôm nay")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            from hoso.retention.sweep import sweep

            result = sweep()
            self.stdout.write(
                f"Đã xóa {len(result.removed)} tệp, giữ {len(result.kept)} tệp dùng chung, "
                f"chờ lần sau {len(result.waiting)} tệp ({result.proposals} đề nghị)."
            )
            return
        from hoso.retention.services import proposals_create

        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Ngày không đúng dạng YYYY-MM-DD.") from exc
        made = proposals_create(today=today)
        for proposal in made:
            self.stdout.write(
                f"{proposal.school.name}: đề nghị số {proposal.pk}, {proposal.items.count()} hồ sơ"
            )
        self.stdout.write(f"Đã lập {len(made)} đề nghị tiêu hủy.")
