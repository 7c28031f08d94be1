"""`hoso catalogue load`: (re)load the national record-type catalogue from data/catalogue.json."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from hoso.records.catalogue import load_catalogue
from hoso.records.models import RecordType


class Command(BaseCommand):
    help = "Nạp danh mục loại hồ sơ (TT 28/32/52) từ hoso/records/data/catalogue.json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = load_catalogue(RecordType)
        self.stdout.write(
            _("Danh mục loại hồ sơ: %(created)s loại mới, %(updated)s loại cập nhật.")
            % {"created": created, "updated": updated}
        )
