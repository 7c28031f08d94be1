from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoso.audit.anchors import anchor_now
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = "Neo nhật ký bằng dấu thời gian của TSA (hoso audit anchor)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor = anchor_now()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if anchor is None:
            self.stdout.write(_("Không có mục mới kể từ mốc neo gần nhất."))
            return
        self.stdout.write(
            _("Đã neo các mục #%(first)s–#%(last)s (dấu thời gian %(stamped)s): %(path)s")
            % {
                "first": anchor.from_seq,
                "last": anchor.to_seq,
                "stamped": f"{anchor.stamped_at:%d/%m/%Y %H:%M:%S %Z}",
                "path": anchor.path,
            }
        )
