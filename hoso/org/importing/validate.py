"""Row validation: every problem of every row, in Vietnamese, before anything is written."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hoso.core.text import clean_line
from hoso.org.importing.columns import Column

FORMULA_PREFIXES = ("=", "+", "-", "@")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GENDERS = {"nam": "NAM", "nữ": "NU", "nu": "NU"}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise CellError(_("chứa ký tự điều khiển không hợp lệ"))
    return clean_line(text)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    raise CellError(
        _("“%(text)s” không phải ngày hợp lệ (ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2017)")
        % {"text": text}
    )


def _check_birth_date(date: dt.date) -> dt.date:
    today = dt.date.today()  # noqa: DTZ011 — a calendar date is enough here
    if date > today or date.year < 1900:
        raise CellError(
            _("ngày %(date)s không thể là ngày sinh") % {"date": format(date, "%d/%m/%Y")}
        )
    return date


def parse_cell(column: Column, raw: Any) -> Any:
    """The cleaned value of one cell, or CellError with a Vietnamese reason."""
    if isinstance(raw, str) and raw.strip().startswith(FORMULA_PREFIXES) and column.kind != "int":
        raise CellError(
            _("bắt đầu bằng ký tự công thức (= + - @); hãy nhập giá trị, không nhập công thức")
        )
    if column.kind == "date" and raw not in (None, ""):
        return _check_birth_date(_date(raw))
    text = _text(raw)
    if not text:
        if column.required:
            raise CellError(_("không được để trống"))
        return "" if column.kind != "date" else None
    if len(text) > column.max_length:
        raise CellError(_("dài quá %(max_length)s ký tự") % {"max_length": column.max_length})
    return _parse_text(column, text)


def _parse_text(column: Column, text: str) -> Any:
    if column.kind == "ethnicity":
        from hoso.org.particulars import ethnicity_code

        code = ethnicity_code(text)
        if code is None:
            raise CellError(
                _("“%(text)s” không có trong danh mục 54 dân tộc (ví dụ: Kinh, Tày)")
                % {"text": text}
            )
        return code
    if column.kind == "personal_id":
        from hoso.org.particulars import personal_id_problem

        problem = personal_id_problem(text)
        if problem:
            raise CellError(problem)
        return text
    if column.kind == "code" and not CODE_PATTERN.match(text):
        raise CellError(
            _("mã “%(text)s” chỉ được gồm chữ không dấu, số và các dấu . _ -") % {"text": text}
        )
    if column.kind == "gender":
        gender = GENDERS.get(text.lower())
        if gender is None:
            raise CellError(_("“%(text)s” không hợp lệ; ghi Nam hoặc Nữ") % {"text": text})
        return gender
    if column.kind == "int":
        if not text.isdigit():
            raise CellError(_("“%(text)s” phải là số nguyên") % {"text": text})
        return int(text)
    return text


def present_columns(headers: list[str], columns: list[Column]) -> list[Column]:
    """The template's columns the file has: all of them, or the leading ones up to the last
    required column and beyond (an older, shorter template); optional columns left out are
    not touched by the import."""
    actual = [header.lower() for header in headers if header]
    last_required = max(i for i, column in enumerate(columns) if column.required)
    for count in range(len(columns), last_required, -1):
        if actual == [column.header.lower() for column in columns[:count]]:
            return columns[:count]
    return []


def check_headers(headers: list[str], columns: list[Column]) -> list[RowError]:
    expected = [column.header for column in columns]
    actual = [header for header in headers if header]
    if present_columns(headers, columns):
        return []
    missing = [h for h in expected if h.lower() not in {a.lower() for a in actual}]
    extra = [a for a in actual if a.lower() not in {h.lower() for h in expected}]
    parts = [_("Dòng tiêu đề không đúng mẫu.")]
    if missing:
        parts.append(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    if extra:
        parts.append(_("Cột lạ: %(columns)s.") % {"columns": ", ".join(extra)})
    parts.append(
        _("Các cột phải là: %(columns)s (hãy tải tệp mẫu).") % {"columns": ", ".join(expected)}
    )
    return [RowError(1, "", " ".join(parts))]


def parse_row(
    number: int, values: list[Any], columns: list[Column]
) -> tuple[dict[str, Any], list[RowError]]:
    parsed: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, column in enumerate(columns):
        raw = values[index] if index < len(values) else None
        try:
            parsed[column.key] = parse_cell(column, raw)
        except CellError as error:
            errors.append(RowError(number, column.header, f"{column.header} {error}."))
    return parsed, errors
