from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hoso.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký (hoso audit verify)."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem:
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: mục #{problem.seq}: {problem.reason} "
                f"({checked} mục trước đó hợp lệ)."
            )
        self.stdout.write(f"Nhật ký toàn vẹn: {checked} mục, chuỗi băm khớp.")
