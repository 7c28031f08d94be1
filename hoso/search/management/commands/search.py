"""`hoso search reindex` — rebuild the search index from the database (resumable);
`hoso search warm` — read the index into the OS cache after a restart."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from hoso.search.maintenance import DEFAULT_BATCH, ReindexProgress, search_reindex, search_warm


class Command(BaseCommand):
    help = (
        "reindex: lập lại chỉ mục tìm kiếm từ cơ sở dữ liệu, theo từng lô; nếu lần trước bị "
        "dừng giữa chừng thì chạy tiếp từ chỗ đã dừng. warm: đọc trước chỉ mục vào bộ nhớ "
        "đệm sau khi khởi động lại máy chủ, để những lần tìm đầu tiên không phải chờ ổ đĩa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex", "warm"])
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=_("số hồ sơ mỗi lô"))
        parser.add_argument(
            "--restart", action="store_true", help=_("bỏ điểm dừng cũ, xoá chỉ mục và làm lại")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "warm":
            self._warm()
            return

        def report(p: ReindexProgress) -> None:
            share = 100.0 * p.done / p.total if p.total else 100.0
            self.stdout.write(
                _("Đã lập chỉ mục %(done)s/%(total)s hồ sơ (%(share)s %%).")
                % {"done": p.done, "total": p.total, "share": f"{share:.1f}"}
            )

        result = search_reindex(batch=options["batch"], restart=options["restart"], progress=report)
        start = _("Chạy tiếp lần lập chỉ mục bị dừng. ") if result.resumed else ""
        self.stdout.write(
            _("%(start)sXong: chỉ mục tìm kiếm có %(done)s hồ sơ.")
            % {"start": start, "done": result.done}
        )

    def _warm(self) -> None:
        started = time.perf_counter()
        megabytes = search_warm() / 1e6
        took = time.perf_counter() - started
        self.stdout.write(
            _("Đã đọc trước chỉ mục tìm kiếm: %(megabytes)s MB trong %(took)s s.")
            % {"megabytes": f"{megabytes:.0f}", "took": f"{took:.1f}"}
        )
