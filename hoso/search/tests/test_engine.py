from hoso.search.engine import (
    Grant,
    SearchFilters,
    Visibility,
    parse_query,
    visible_sets_empty,
)


def test_parse_words_are_and_clauses_with_marked_words_kept_for_the_boost() -> None:
    parsed = parse_query("Kế hoạch toan")
    assert [[t.folded for t in c.tokens] for c in parsed.clauses] == [["ke"], ["hoach"], ["toan"]]
    assert [t.exact for t in parsed.exact_tokens] == ["kế", "hoạch"]


def test_parse_phrase_prefix_and_hyphenated_word() -> None:
    parsed = parse_query('"bài dạy" nghiep* 2025-2026')
    assert [([t.folded for t in c.tokens], c.prefix) for c in parsed.clauses] == [
        (["bai", "day"], False),
        (["nghiep"], True),
        (["2025", "2026"], False),
    ]


def test_parse_empty_and_punctuation_only() -> None:
    assert parse_query("").is_empty
    assert parse_query(" - , ").is_empty


def test_visibility_for_units_hides_other_peoples_drafts() -> None:
    vis = Visibility.for_units({3, 1}, viewer_id=7)
    assert vis.grants == (
        Grant(unit_ids=frozenset({1, 3}), exclude_states=frozenset({"draft"})),
        Grant(unit_ids=frozenset({1, 3}), owner_id=7),
    )


def test_nothing_visible_or_empty_filter_set_short_circuits() -> None:
    assert visible_sets_empty(Visibility.nothing(), SearchFilters())
    assert visible_sets_empty(Visibility.everything(), SearchFilters(states=frozenset()))
    assert not visible_sets_empty(Visibility.everything(), SearchFilters())
