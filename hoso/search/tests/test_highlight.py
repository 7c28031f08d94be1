"""Highlighting: escaped first, accent-insensitive, same word rules as the index."""

from __future__ import annotations

import pytest

from hoso.search.engine import edits1
from hoso.search.highlight import Matcher, highlight, snippet, within_one_edit


def test_matches_are_marked_without_regard_to_accents() -> None:
    marked = highlight("Kế hoạch bài dạy tuần 5", Matcher("ke hoach"))
    assert marked == "<mark>Kế</mark> <mark>hoạch</mark> bài dạy tuần 5"


def test_the_title_is_escaped_before_marking() -> None:
    marked = highlight('<script>alert("kế")</script> & kế', Matcher("ke script"))
    assert marked == (
        "&lt;<mark>script</mark>&gt;alert(&quot;<mark>kế</mark>&quot;)&lt;/<mark>script</mark>&gt;"
        " &amp; <mark>kế</mark>"
    )
    assert highlight("<b>x</b>", Matcher("mark")) == "&lt;b&gt;x&lt;/b&gt;"


def test_typos_and_prefixes_are_marked_like_the_index_matches_them() -> None:
    assert highlight("Kế hoạch", Matcher("hoahc")) == "Kế <mark>hoạch</mark>"
    assert highlight("Nghiệp vụ", Matcher("nghi*")) == "<mark>Nghiệp</mark> vụ"
    assert highlight("Môn học", Matcher("mn")) == "Môn học"  # short words: no typo


def test_snippet_is_cut_around_the_first_match() -> None:
    text = "mở đầu " * 40 + "thăm đình làng Phú Mỹ" + " kết thúc" * 40
    cut = snippet(text, Matcher("dinh lang"), width=60)
    assert cut.startswith("…") and cut.endswith("…")
    assert "đình làng" in cut
    assert snippet("không có gì", Matcher("dinh")) == ""


@pytest.mark.parametrize("word", ["hoach", "chuyen", "ab12c"])
def test_within_one_edit_agrees_with_the_index_expansion(word: str) -> None:
    near = edits1(word)
    assert all(within_one_edit(word, other) for other in near)
    assert not within_one_edit(word, word[::-1] + "xy")
    assert within_one_edit("hoach", "hoahc") and not within_one_edit("hoach", "hoa")
