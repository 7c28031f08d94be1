from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

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
            self.stdout.write("Không có mục mới kể từ mốc neo gần nhất.")
            return
        self.stdout.write(
            f"Đã neo các mục #{anchor.from_seq}–#{anchor.to_seq} "
            f"(dấu thời gian {anchor.stamped_at:%d/%m/%Y %H:%M:%S %Z}): {anchor.path}"
        )
