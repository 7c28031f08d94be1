"""The words of a verdict that pages show without validating anything: the headings of the
verdict sentences and the names of pyHanko's modification levels. Apart from verdicts.py, which
reads pyHanko's status objects, so that a page showing a stored report does not load pyHanko
(web process memory)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The upper-case heading of a verdict sentence ("HỢP LỆ: …"), which the pages replace with their
# own title (`hoso.signing.verdict_kinds.reason` drops it, in any language).
VALID_HEADING = gettext_lazy("HỢP LỆ")
INVALID_HEADING = gettext_lazy("KHÔNG HỢP LỆ")
UNTRUSTED_HEADING = gettext_lazy("CHƯA TIN CẬY")
WARNING_HEADING = gettext_lazy("CẢNH BÁO")
HEADINGS = (VALID_HEADING, INVALID_HEADING, UNTRUSTED_HEADING, WARNING_HEADING)


def headed(heading: Any, text: str) -> str:
    return f"{heading}: {text}"


def level_vn(level: str | None) -> str:
    return {
        "FORM_FILLING": _("thêm chữ ký/điền biểu mẫu"),
        "LTA_UPDATES": _("dữ liệu kiểm tra dài hạn hoặc siêu dữ liệu — đối chiếu mã SHA-256"),
        "ANNOTATIONS": _("thêm chú thích"),
    }.get(level or "", level or _("không rõ"))
