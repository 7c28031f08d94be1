"""The lexemes the PostgreSQL backend adds: word pairs, facets and time buckets."""

from __future__ import annotations

from datetime import UTC, datetime

from hoso.search.engine import Grant, SearchFilters, Visibility, parse_query
from hoso.search.postgres_lexemes import (
    MAX_SET_LEXEMES,
    filters_tsquery,
    tsquery_literal,
    tsvector_literal,
    visibility_tsquery,
    week_number,
)
from hoso.search.tests.test_backends import doc


def test_a_row_holds_words_pairs_facets_and_its_week() -> None:
    row = tsvector_literal(doc(1, "Kế hoạch", "Đà Nẵng", unit_id=12, owner_id=7))
    assert "'ke':1A 'kế':1A 'hoach':2A 'hoạch':2A" in row
    assert "'ke hoach'" in row and "'hoach da'" in row and "'da nang'" in row
    week = week_number(datetime(2026, 11, 1, 1, tzinfo=UTC))
    for lexeme in ("'~t:ke_hoach_bai_day'", "'~u:12'", "'~y:2025-2026'", "'~s:issued'"):
        assert lexeme in row
    assert f"'~o:7' '~w0:{week}' '~w1:{week // 8}' '~w2:{week // 64}'" in row


def test_a_phrase_asks_for_its_word_pairs_too() -> None:
    clauses = parse_query('"kế hoạch bài dạy" toan 2025-2026').clauses
    assert tsquery_literal(clauses) == (
        "('ke' <-> 'hoach' <-> 'bai' <-> 'day') & 'toan' & ('2025' <-> '2026')"
    )
    assert tsquery_literal(clauses, pairs=True) == (
        "('ke' <-> 'hoach' <-> 'bai' <-> 'day') & 'ke hoach' & 'hoach bai' & 'bai day'"
        " & 'toan' & ('2025' <-> '2026') & '2025 2026'"
    )


def test_filters_and_visibility_become_lexemes_unless_the_set_is_huge() -> None:
    filters = SearchFilters(record_types=frozenset({"so_diem"}), states=frozenset({"a", "b"}))
    assert filters_tsquery(filters) == ["('~t:so_diem')", "('~s:a' | '~s:b')"]
    huge = SearchFilters(unit_ids=frozenset(range(MAX_SET_LEXEMES + 1)))
    assert filters_tsquery(huge) == []
    vis = Visibility.for_units({3}, 9)
    assert visibility_tsquery(vis) == "((('~u:3') & !'~s:draft') | (('~u:3') & '~o:9'))"
    assert visibility_tsquery(Visibility.everything()) is None
    many = Visibility((Grant(unit_ids=frozenset(range(500)), exclude_states=frozenset({"d"})),))
    assert visibility_tsquery(many) == "((!'~s:d'))"


def test_a_grant_of_one_school_year_asks_for_its_year() -> None:
    gvcn = Grant(unit_ids=frozenset({3}), exclude_states=frozenset({"x"}), school_year="2024-25")
    vis = Visibility((Grant(owner_id=9), gvcn))
    assert visibility_tsquery(vis) == "(('~o:9') | (('~u:3') & '~y:2024-25' & !'~s:x'))"
    classes = Grant(unit_ids=frozenset(range(500)), school_year="2025-2026")
    assert visibility_tsquery(Visibility((classes,))) == "(('~y:2025-2026'))"
