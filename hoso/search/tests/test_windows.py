"""The bounded plans (recent weeks first) keep the answers right, only cheaper."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hoso.search import postgres_backend, tantivy_plan
from hoso.search.engine import SearchBackend, SearchQuery, Visibility
from hoso.search.tantivy_backend import TantivyBackend
from hoso.search.tests.test_backends import T0, _postgres_backend, doc

ALL = Visibility.everything()
# 30 versions, one a week: all say "báo giảng"; every tenth names cô Hạnh; the oldest is cô Bạ.
CORPUS = [
    doc(
        i,
        f"Sổ báo giảng tuần {i}",
        "cô Bạ" if i == 1 else ("cô Hạnh" if i % 10 == 0 else "cô ba"),
        updated_at=T0 + timedelta(weeks=i),
    )
    for i in range(1, 31)
]


@pytest.fixture(params=["tantivy", "postgres-walk", "postgres-window"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SearchBackend]:
    monkeypatch.setattr(tantivy_plan, "FULL_LIMIT", 0)
    monkeypatch.setattr(tantivy_plan, "WINDOWS", (3, 8))
    if request.param == "postgres-walk":  # every word common: the recency walk
        monkeypatch.setattr(postgres_backend, "DENSE", 0.0)
    if request.param == "postgres-window":  # every word selective: GIN, week by week first
        monkeypatch.setattr(postgres_backend, "DENSE", 2.0)
        monkeypatch.setattr(postgres_backend, "BUCKET_FILL", 0.0)
    if request.param == "tantivy":
        engine: SearchBackend = TantivyBackend(tmp_path / "idx", writer_heap=15_000_000, threads=1)
        engine.index(CORPUS)
        yield engine
        return
    for engine in _postgres_backend(candidates=4, corpus=CORPUS):
        assert isinstance(engine, postgres_backend.PostgresBackend)
        engine.conn.execute(f"ANALYZE {engine.table}")
        yield engine


def search(backend: SearchBackend, text: str, limit: int = 4) -> tuple[list[int], int, bool]:
    result = backend.search(SearchQuery(text=text, visibility=ALL, limit=limit))
    return result.ids, result.total, result.total_is_lower_bound


def test_common_word_answers_from_recent_weeks_with_a_lower_bound(backend: SearchBackend) -> None:
    ids, total, more = search(backend, "bao giang")
    assert len(ids) == 4
    assert set(ids) <= set(range(20, 31))
    assert more is True
    assert total >= 4


def test_rare_word_widens_to_everything(backend: SearchBackend) -> None:
    ids, total, more = search(backend, "hanh", limit=10)
    assert set(ids) == {10, 20, 30}
    assert (total, more) == (3, False)


def test_exact_accent_ranks_first_even_when_oldest(backend: SearchBackend) -> None:
    ids, _, _ = search(backend, "bạ")
    assert ids[0] == 1
    assert len(ids) == 4
