"""The same behaviour from every backend: tantivy always, PostgreSQL when it is reachable."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hoso.search.engine import (
    Grant,
    SearchBackend,
    SearchDocument,
    SearchFilters,
    SearchQuery,
    Visibility,
)
from hoso.search.tantivy_backend import TantivyBackend

PG_DSN = os.environ.get("HOSO_SEARCH_TEST_DSN", "host=127.0.0.1 user=postgres dbname=test")
T0 = datetime(2026, 11, 1, tzinfo=UTC)
EVERYONE = Visibility.for_units(None, None)  # every unit, no one else's drafts
ALL = Visibility.everything()


def doc(doc_id: int, title: str, body: str = "", **kw: Any) -> SearchDocument:
    fields: dict[str, Any] = {
        "metadata": "",
        "record_type": "ke_hoach_bai_day",
        "unit_id": 1,
        "school_year": "2025-2026",
        "state": "issued",
        "owner_id": 100,
        "updated_at": T0 + timedelta(hours=doc_id),
    }
    fields.update(kw)
    return SearchDocument(id=doc_id, title=title, body=body, **fields)


CORPUS = [
    doc(1, "Kế hoạch bài dạy môn Toán lớp 4A tuần 12", "GV Nguyễn Thị Hạnh"),
    doc(2, "Sổ báo giảng tuần 12", "Địa lý Đà Nẵng", record_type="so_bao_giang"),
    doc(3, "Biên bản sinh hoạt chuyên môn", "thầy Trần Văn Đức dự giờ", unit_id=2),
    doc(4, "Đề kiểm tra giữa kỳ", "cô Bạ chấm bài", unit_id=2, school_year="2024-2025"),
    doc(5, "Kế hoạch giáo dục cá nhân", "bà ngoại đưa đón", state="draft", owner_id=200),
    doc(6, "ke hoach bai day mon toan", "ba me hoc sinh", owner_id=200),
    doc(7, unicodedata.normalize("NFD", "Nghiệp vụ sư phạm"), "đào tạo bồi dưỡng"),
    doc(8, "Báo cáo tổng kết", "mã HS123456", state="draft", owner_id=300, unit_id=3),
]


@pytest.fixture(params=["tantivy", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "tantivy":
        engine: SearchBackend = TantivyBackend(tmp_path / "idx", writer_heap=15_000_000, threads=1)
        engine.index(CORPUS)
        yield engine
        return
    yield from _postgres_backend()


def _postgres_backend(
    candidates: int = 5, corpus: list[SearchDocument] = CORPUS
) -> Iterator[SearchBackend]:
    psycopg = pytest.importorskip("psycopg")
    from hoso.search.postgres_backend import PostgresBackend

    try:
        conn = psycopg.connect(PG_DSN, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    table = f"search_test_{os.getpid()}"
    engine = PostgresBackend(conn, table=table, candidates=candidates)
    engine.index(corpus)
    yield engine
    conn.execute(f"DROP TABLE IF EXISTS {table}, {table}_words")  # noqa: S608 - our own identifier
    conn.close()


def ids(backend: SearchBackend, text: str, vis: Visibility = ALL, **filters: Any) -> list[int]:
    query = SearchQuery(text=text, visibility=vis, filters=SearchFilters(**filters), limit=20)
    return backend.search(query).ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ke hoach bai day", {1, 6}),
        ("KẾ HOẠCH BÀI DẠY", {1, 6}),
        ("dia ly", {2}),
        ("da nang", {2}),
        ("duc", {3, 5}),  # Đức, and giáo dục
        ("tran van duc", {3}),
        ("nguyen thi hanh", {1}),
        ("nghiep vu", {7}),  # stored as NFD
        ("dao tao", {7}),
        ("hs123456", {8}),
    ],
)
def test_accent_insensitive_match(backend: SearchBackend, text: str, expected: set[int]) -> None:
    assert set(ids(backend, text)) == expected


def test_words_are_anded(backend: SearchBackend) -> None:
    assert set(ids(backend, "toan tuan 12")) == {1}
    assert ids(backend, "toan dia") == []


def test_phrase_and_prefix(backend: SearchBackend) -> None:
    assert set(ids(backend, '"bai day"')) == {1, 6}
    assert ids(backend, '"day bai"') == []
    assert set(ids(backend, "nghi*")) == {7}


def test_exact_accent_ranks_first(backend: SearchBackend) -> None:
    # Given documents with "Bạ", "bà" and unaccented "ba"
    # Then each accented query puts its exact form first, and all three still match.
    assert ids(backend, "bạ")[0] == 4
    assert ids(backend, "bà")[0] == 5
    assert set(ids(backend, "ba")) == {4, 5, 6}
    assert ids(backend, "kế hoạch bài dạy")[0] == 1
    assert ids(backend, "Đức") == [3, 5]
    assert 5 not in ids(backend, "ke hoach", vis=EVERYONE)


def test_filters(backend: SearchBackend) -> None:
    assert set(ids(backend, "", record_types=frozenset({"so_bao_giang"}))) == {2}
    assert set(ids(backend, "", unit_ids=frozenset({2}))) == {3, 4}
    assert set(ids(backend, "", school_years=frozenset({"2024-2025"}))) == {4}
    assert set(ids(backend, "", states=frozenset({"draft"}))) == {5, 8}
    assert set(ids(backend, "ke hoach", owner_ids=frozenset({200}))) == {5, 6}


def test_visibility_units_and_drafts(backend: SearchBackend) -> None:
    assert set(ids(backend, "", Visibility.for_units({1}, viewer_id=None))) == {1, 2, 6, 7}
    assert set(ids(backend, "", Visibility.for_units({1}, viewer_id=200))) == {1, 2, 5, 6, 7}
    assert set(ids(backend, "", Visibility.for_units({3}, viewer_id=300))) == {8}
    assert ids(backend, "hs123456", Visibility.for_units({3}, viewer_id=None)) == []
    assert ids(backend, "", Visibility.nothing()) == []
    assert len(ids(backend, "", Visibility.everything())) == 8


HIDE_DRAFTS = frozenset({"draft"})


def test_a_grant_of_one_school_year(backend: SearchBackend) -> None:
    """Unit 2 holds doc 3 (2025-2026) and doc 4 (2024-2025): a GVCN of unit 2 last year."""
    last_year = Grant(unit_ids=frozenset({2}), exclude_states=HIDE_DRAFTS, school_year="2024-2025")
    assert set(ids(backend, "", Visibility((last_year,)))) == {4}
    assert ids(backend, "kiem tra", Visibility((last_year,))) == [4]
    assert ids(backend, "sinh hoat", Visibility((last_year,))) == []
    assert ids(backend, "", Visibility((last_year,)), school_years=frozenset({"2025-2026"})) == []
    # Beside the viewer's own documents (no unit shared by the grants)
    mine = Grant(owner_id=200)
    assert set(ids(backend, "", Visibility((mine, last_year)))) == {4, 5, 6}
    # The same units in two years (the unit set hoisted out of the grants)
    this_year = Grant(unit_ids=frozenset({2}), school_year="2025-2026")
    assert set(ids(backend, "", Visibility((last_year, this_year)))) == {3, 4}
    assert ids(backend, "", Visibility((Grant(school_year="2023-2024"),))) == []


def test_a_school_year_grant_beside_every_non_draft(backend: SearchBackend) -> None:
    """Doc 8 is owner 300's draft of 2025-2026: only a grant of that year shows it."""
    published = Grant(exclude_states=HIDE_DRAFTS)
    other_year = Grant(owner_id=300, school_year="2024-2025")
    assert set(ids(backend, "", Visibility((published, other_year)))) == {1, 2, 3, 4, 6, 7}
    its_year = Grant(owner_id=300, school_year="2025-2026")
    assert set(ids(backend, "", Visibility((published, its_year)))) == {1, 2, 3, 4, 6, 7, 8}


def test_empty_text_orders_by_recency(backend: SearchBackend) -> None:
    assert ids(backend, "", unit_ids=frozenset({1})) == [7, 6, 5, 2, 1]


def test_paging_and_total(backend: SearchBackend) -> None:
    query = SearchQuery(text="", visibility=Visibility.everything(), limit=3, offset=3)
    result = backend.search(query)
    assert result.ids == [5, 4, 3]
    assert result.total >= 6
    assert result.took_ms >= 0


def test_reindex_replaces_and_delete_removes(backend: SearchBackend) -> None:
    backend.index([doc(2, "Sổ chủ nhiệm", "Huế")])
    assert ids(backend, "da nang") == []
    assert ids(backend, "so chu nhiem hue") == [2]
    backend.delete([2, 3])
    assert ids(backend, "hue") == []
    assert ids(backend, "tran van duc") == []
    backend.clear()
    assert ids(backend, "", Visibility.everything()) == []


def test_tantivy_reader_sees_another_writers_commit(tmp_path: Path) -> None:
    # Given a web process (reader) and a worker (writer) on the same index directory
    reader = TantivyBackend(tmp_path / "shared", writer_heap=15_000_000, threads=1)
    writer = TantivyBackend(tmp_path / "shared", writer_heap=15_000_000, threads=1)
    # When the worker indexes a version
    writer.index([CORPUS[0]])
    # Then the reader finds it once it reloads (it also does so by itself on commit)
    reader.reload()
    assert ids(reader, "ke hoach bai day") == [1]


def test_tantivy_writers_of_two_threads_wait_for_each_other(tmp_path: Path) -> None:
    """The worker indexes from two threads at once; tantivy alone would fail one with LockBusy."""
    import threading

    index = TantivyBackend(tmp_path / "ix", writer_heap=15_000_000)
    errors: list[BaseException] = []

    def write(first: int) -> None:
        try:
            for n in range(first, first + 10):
                index.index([doc(n, f"Kế hoạch bài dạy số {n}")])
        except BaseException as exc:  # noqa: BLE001 — the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(start,)) for start in (1, 101, 201)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    query = SearchQuery(text="ke hoach", visibility=ALL, filters=SearchFilters())
    assert index.search(query).total == 30


def test_a_phong_searches_its_schools_through_the_within_hint(backend: SearchBackend) -> None:
    """Phòng 5 holds units 10-19 and Phòng 6 units 20-29 (more units than an index lookup
    spells out): the hint narrows the lookup, the unit set stays the rule."""
    tree = [
        doc(100 + u, f"Kế hoạch giáo dục nhà trường {u}", unit_id=u, unit_path=(1, phong, u))
        for phong, units in ((5, range(10, 20)), (6, range(20, 30)))
        for u in units
    ]
    backend.index(tree)
    phong5 = set(range(10, 20))
    hinted = Visibility.for_units(phong5, viewer_id=None, within={5})
    assert set(ids(backend, "ke hoach giao duc", hinted)) == {100 + u for u in phong5}
    # A wrong hint may hide documents, never show another Phòng's.
    wrong = Visibility.for_units(phong5, viewer_id=None, within={6})
    assert set(ids(backend, "ke hoach giao duc", wrong)) <= {100 + u for u in phong5}


# --- "search that helps": relevance, typos, queries without words (issue 16 item 6) --------

HELP_CORPUS = [
    # The newest document holds a different word that folds the same ("kê" ≠ "kế").
    doc(11, "Kế hoạch giáo dục nhà trường", updated_at=T0),
    doc(12, "Kê khai hoạch toán tài sản", updated_at=T0 + timedelta(days=30)),
    doc(13, "Biên bản họp tổ chuyên môn", updated_at=T0 + timedelta(days=1)),
    doc(14, "Sổ điểm lớp 5A", updated_at=T0 + timedelta(days=2)),
]


@pytest.fixture(params=["tantivy", "postgres"])
def helping(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if request.param == "tantivy":
        engine: SearchBackend = TantivyBackend(tmp_path / "idx", writer_heap=15_000_000, threads=1)
        engine.index(HELP_CORPUS)
        yield engine
        return
    yield from _postgres_backend(corpus=HELP_CORPUS)


def test_an_exact_accented_match_ranks_above_a_newer_folded_other_word(
    helping: SearchBackend,
) -> None:
    assert ids(helping, "kế hoạch") == [11, 12]
    # "Mới nhất" keeps the date order.
    newest = helping.search(SearchQuery("kế hoạch", ALL, newest_first=True))
    assert newest.ids == [12, 11]


def test_one_typo_in_a_long_word_is_tolerated(helping: SearchBackend) -> None:
    assert ids(helping, "ke hoahc") == [11, 12]  # swapped letters
    assert ids(helping, "chuyen mon") == [13]
    assert ids(helping, "chuyen mn") == []  # "mon" is short: no typo allowed
    assert ids(helping, "chuyeen") == [13]  # one letter too many
    assert ids(helping, "chuyeeen") == []  # two edits: too far


def test_a_typo_free_match_ranks_above_a_tolerated_typo(tmp_path: Path) -> None:
    corpus = [doc(21, "Hoach dinh", updated_at=T0), doc(22, "Hoacj dinh", updated_at=T0)]
    engine = TantivyBackend(tmp_path / "idx", writer_heap=15_000_000, threads=1)
    engine.index(corpus)
    assert engine.search(SearchQuery("hoacj", ALL)).ids == [22, 21]
    for pg in _postgres_backend(corpus=corpus):
        assert pg.search(SearchQuery("hoacj", ALL)).ids == [22, 21]


@pytest.mark.parametrize("text", ["!!!", "... — ?", '""', "* * *"])
def test_a_query_without_words_finds_nothing(helping: SearchBackend, text: str) -> None:
    result = helping.search(SearchQuery(text, ALL))
    assert (result.ids, result.total) == ([], 0)
    assert len(ids(helping, "")) == 4  # an empty box still lists (newest first)
