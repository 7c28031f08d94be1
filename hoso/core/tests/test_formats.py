"""Times, dates, numbers and sizes as people read them: "20:16, 03/12/2026", "1,2 MB"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from hoso.core.formats import vn_date, vn_datetime, vn_decimal, vn_filesize


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-03T20:16:30+07:00", "20:16, 03/12/2026"),
        ("2026-12-03T13:16:30Z", "20:16, 03/12/2026"),  # UTC → Vietnam time
        (dt.datetime(2026, 12, 3, 13, 16, 30, tzinfo=dt.UTC), "20:16, 03/12/2026"),
        (dt.datetime(2026, 12, 31, 17, 5, tzinfo=dt.UTC), "00:05, 01/01/2027"),  # next day
        (dt.date(2026, 5, 25), "25/05/2026"),
        (None, ""),
        ("", ""),
        ("không rõ", "không rõ"),  # a text that is no time stays as it is
    ],
)
def test_vn_datetime(value: object, shown: str) -> None:
    assert vn_datetime(value) == shown


def test_vn_datetime_with_seconds_and_vn_date() -> None:
    when = "2026-12-03T20:16:30+07:00"
    assert vn_datetime(when, seconds=True) == "20:16:30, 03/12/2026"
    assert vn_date(when) == "03/12/2026"
    assert vn_date(dt.datetime(2026, 12, 31, 17, 5, tzinfo=dt.UTC)) == "01/01/2027"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(8.5, 1, "8,5"), (8.0, 1, "8"), (1234.56, 2, "1.234,56"), (7.25, 2, "7,25"), (10, 0, "10")],
)
def test_vn_decimal_uses_the_decimal_comma(value: float, places: int, shown: str) -> None:
    assert vn_decimal(value, places) == shown


@pytest.mark.parametrize(
    ("size", "shown"),
    [(12, "12 byte"), (2048, "2 KB"), (1258291, "1,2 MB"), (5 * 1024**3, "5 GB")],
)
def test_vn_filesize(size: int, shown: str) -> None:
    assert vn_filesize(size) == shown


def test_the_template_filters_never_show_iso() -> None:
    template = Template(
        "{% load hoso_format %}{{ iso|vn_datetime }}|{{ iso|vn_datetime_s }}|{{ iso|vn_date }}"
        "|{{ score|vn_decimal }}|{{ size|vn_filesize }}"
    )
    context = Context({"iso": "2026-12-03T20:16:30+07:00", "score": 8.25, "size": 1258291})
    assert template.render(context) == (
        "20:16, 03/12/2026|20:16:30, 03/12/2026|03/12/2026|8,2|1,2 MB"
    )


def test_nth_names_a_cell_after_its_column_and_is_empty_past_the_end() -> None:
    template = Template(
        "{% load hoso_format %}{% for n in counts %}"
        '<td data-label="{{ heads|nth:forloop.counter0 }}">{{ n }}</td>{% endfor %}'
    )

    shown = template.render(Context({"heads": ["Sách", "Báo"], "counts": [3, 4, 5]}))

    assert (
        shown == '<td data-label="Sách">3</td><td data-label="Báo">4</td><td data-label="">5</td>'
    )
