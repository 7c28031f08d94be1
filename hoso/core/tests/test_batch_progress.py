"""The one batch-progress section (core/_batch_progress.html) the signing, học bạ and school
book batches share: the summary line, each item's line and link, and the refresh that stops
when the batch is done."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from hoso.core.batches import Line, Progress


@dataclass
class FakeBatch:
    status: str
    done: int
    failed: int
    total: int

    def get_status_display(self) -> str:
        return {"running": "Đang chạy", "done": "Xong"}[self.status]


def _render(progress: Progress) -> str:
    return render_to_string("core/_batch_progress.html", {"progress": progress})


def test_a_running_batch_refreshes_and_names_its_items():
    lines = [
        Line("Nguyễn Văn An", "Đã ký", url="/hoc-ba/7/", link="bản 2"),
        Line("Trần Thị Bình", "Lỗi", message="Thiếu nhận xét"),
    ]
    html = _render(Progress.of(FakeBatch("running", 1, 1, 3), "/lo/5/tien-do/", lines))
    assert 'hx-get="/lo/5/tien-do/"' in html and 'hx-trigger="every 2s"' in html
    assert "Đang chạy: đã xử lý 1/3, lỗi 1." in html
    assert 'Nguyễn Văn An: Đã ký (<a href="/hoc-ba/7/">bản 2</a>)' in html
    assert "Trần Thị Bình: Lỗi — Thiếu nhận xét</li>" in html
    assert '<progress value="2" max="3"' in html


def test_a_finished_batch_stops_and_says_its_own_words():
    progress = Progress.of(
        FakeBatch("done", 4, 1, 5), "/x/", [], done_word="đã ký", failed_word="không lập được"
    )
    html = _render(progress)
    assert "hx-get" not in html
    assert "Xong: đã ký 4/5, không lập được 1." in html
