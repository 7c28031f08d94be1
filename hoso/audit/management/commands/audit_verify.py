from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hoso.audit.verify import verify_all


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký và các mốc neo dấu thời gian (hoso audit verify)."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem, anchors = verify_all()
        if problem:
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: mục #{problem.seq}: {problem.reason} "
                f"({checked} mục của chuỗi đã kiểm tra)."
            )
        anchored = f", khớp {anchors} mốc neo dấu thời gian" if anchors else ", chưa có mốc neo"
        self.stdout.write(f"Nhật ký toàn vẹn: {checked} mục, chuỗi băm khớp{anchored}.")
