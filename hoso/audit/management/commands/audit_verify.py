from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hoso.audit.verify import verify_all


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký và các mốc neo dấu thời gian (hoso audit verify)."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem, anchors = verify_all()
        if problem:
            raise CommandError(
                _(
                    "Nhật ký KHÔNG toàn vẹn: mục #%(seq)s: %(reason)s (%(checked)s mục của chuỗi "
                    "đã kiểm tra)."
                )
                % {"seq": problem.seq, "reason": problem.reason, "checked": checked}
            )
        anchored = (
            _(", khớp %(anchors)s mốc neo dấu thời gian") % {"anchors": anchors}
            if anchors
            else _(", chưa có mốc neo")
        )
        self.stdout.write(
            _("Nhật ký toàn vẹn: %(checked)s mục, chuỗi băm khớp%(anchored)s.")
            % {"checked": checked, "anchored": anchored}
        )
