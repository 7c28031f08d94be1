"""What a batch's progress section shows (templates/core/_batch_progress.html): the signing
batches, the học bạ batches and the school books' batches all look and refresh the same way,
each app saying only how its items are named and where they lead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Line:
    """One item of the batch: what it is, how it went, and where its result is."""

    label: str
    status: str
    message: str = ""
    url: str = ""
    link: str = ""


@dataclass(frozen=True)
class Progress:
    """`batch` has status ("done" stops the refresh), done, failed, total and
    get_status_display(); `url` answers this section again (htmx, every 2 s)."""

    batch: Any
    url: str
    done_word: Any = _("đã xử lý")  # "đã ký 3/5"; not "xong": the status before it says "Xong"
    failed_word: Any = _("lỗi")  # ", lỗi 1"
    label: Any = _("Tiến độ")
    lines: list[Line] = field(default_factory=list)
    # A whole sentence in place of "<status>: <done_word> 3/5, <failed_word> 1." for an app
    # whose status already says what was done ("Đã nhập xong 3/3 tệp.").
    summary: Any = ""

    @classmethod
    def of(cls, batch: Any, url: str, lines: Iterable[Line], **words: Any) -> Progress:
        return cls(batch=batch, url=url, lines=list(lines), **words)
