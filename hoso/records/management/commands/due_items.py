"""`hoso due_items generate`: create the due items of the current school year (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hoso.org.years import current_year
from hoso.records.services.deadlines import due_items_generate


class Command(BaseCommand):
    help = "Sinh hạn nộp hồ sơ cho năm học hiện tại"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate"])

    def handle(self, *args: Any, **options: Any) -> None:
        year = current_year()
        if year is None:
            raise CommandError(_("Chưa có năm học hiện tại."))
        created = due_items_generate(school_year=year)
        self.stdout.write(
            _("Đã tạo %(created)s hạn nộp mới cho năm học %(name)s.")
            % {"created": created, "name": year.name}
        )
