"""`hoso retention propose [--date YYYY-MM-DD]` and `hoso retention sweep`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Lưu trữ và tiêu hủy: lập đề nghị tiêu hủy (propose) hoặc xóa tệp đã tiêu hủy (sweep)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["propose", "sweep"])
        parser.add_argument("--date", help=_("ngày tính hết hạn (YYYY-MM-DD), mặc định hôm nay"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            from hoso.retention.sweep import sweep

            result = sweep()
            self.stdout.write(
                _(
                    "Đã xóa %(removed)s tệp, giữ %(kept)s tệp dùng chung, chờ lần sau %(waiting)s "
                    "tệp (%(proposals)s đề nghị)."
                )
                % {
                    "removed": len(result.removed),
                    "kept": len(result.kept),
                    "waiting": len(result.waiting),
                    "proposals": result.proposals,
                }
            )
            return
        from hoso.retention.services import proposals_create

        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("Ngày không đúng dạng YYYY-MM-DD.")) from exc
        made = proposals_create(today=today)
        for proposal in made:
            self.stdout.write(
                _("%(name)s: đề nghị số %(pk)s, %(count)s hồ sơ")
                % {"name": proposal.school.name, "pk": proposal.pk, "count": proposal.items.count()}
            )
        self.stdout.write(_("Đã lập %(count)s đề nghị tiêu hủy.") % {"count": len(made)})
