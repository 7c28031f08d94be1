"""`hoso recover_jobs` — queue again the background jobs a crash left unfinished."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from hoso.ops.recovery import jobs_recover


class Command(BaseCommand):
    help = "Đưa lại vào hàng đợi các việc nền bị bỏ dở khi máy chủ hoặc tiến trình bị tắt đột ngột."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=float, default=10, help=_("phút (mặc định 10)"))

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, count in jobs_recover(older_than_minutes=options["older_than"]).items():
            self.stdout.write(
                _("%(kind)s: %(count)s việc được xếp lại") % {"kind": kind, "count": count}
            )
