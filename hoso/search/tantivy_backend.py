"""Embedded backend: a tantivy index in a local directory (no service).

Text is folded and split by ``hoso.search.folding`` and handed to tantivy already split
(whitespace tokenizer), so tantivy and PostgreSQL see the very same words.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from hoso.search.engine import (
    SearchDocument,
    SearchQuery,
    SearchResult,
    clamp_page,
    parse_query,
    visible_sets_empty,
    week_bucket,
)
from hoso.search.folding import fold_words, marked_words, split_words
from hoso.search.tantivy_plan import Planner

_WS = "whitespace"
# tantivy allows one IndexWriter per index directory and fails (LockBusy) instead of waiting.
# The worker's threads and the web process take turns: a lock per process, then a file lock.
_WRITER_LOCK = threading.Lock()


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name=_WS, index_option="position")
    sb.add_text_field("title", tokenizer_name=_WS, index_option="position")
    sb.add_text_field("exact", tokenizer_name=_WS, index_option="basic")
    for name in ("record_type", "school_year", "state"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("unit_id", "owner_id"):
        sb.add_integer_field(name, indexed=True)
    sb.add_integer_field("updated_at", fast=True)
    sb.add_text_field("week", tokenizer_name="raw", index_option="basic")
    return sb.build()


def to_tantivy_doc(doc: SearchDocument) -> tantivy.Document:
    """Folded words go to ``text``/``title``; marked words, accents kept, to ``exact``."""
    title_exact = split_words(doc.title)
    title_words = fold_words(title_exact)
    rest_exact = split_words(f"{doc.metadata}\n{doc.body}")
    rest = fold_words(rest_exact)
    exact = marked_words(title_exact + rest_exact, title_words + rest)
    return tantivy.Document(
        id=doc.id,
        text=" ".join(title_words + rest),
        title=" ".join(title_words),
        exact=" ".join(exact),
        record_type=doc.record_type,
        school_year=doc.school_year,
        state=doc.state,
        unit_id=doc.unit_id,
        owner_id=doc.owner_id,
        updated_at=int(doc.updated_at.timestamp()),
        week=week_bucket(doc.updated_at),
    )


class TantivyBackend:
    """``SearchBackend`` over a tantivy index directory (created on first use)."""

    def __init__(self, path: str | Path, *, writer_heap: int = 512_000_000, threads: int = 0):
        Path(path).mkdir(parents=True, exist_ok=True)
        self.path = Path(path)
        self._lock_path = Path(path) / ".hoso-writer.lock"
        self.schema = build_schema()
        self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._heap = writer_heap
        self._threads = threads

    # --- writes ---------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Insert or replace ``docs`` (by id) and commit; returns how many were written."""
        fresh = self._searcher().num_docs == 0
        seen: set[int] = set()
        with self._writer() as writer:
            for doc in docs:
                if not fresh or doc.id in seen:
                    writer.delete_documents_by_term("id", doc.id)
                seen.add(doc.id)
                writer.add_document(to_tantivy_doc(doc))
        return len(seen)

    def delete(self, ids: Iterable[int]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """The index's one writer, waiting for any other writer to finish; commits on exit."""
        with _WRITER_LOCK, open(self._lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            writer = self._index.writer(self._heap, self._threads)
            try:
                yield writer
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                del writer  # tantivy's own lock goes with the writer object
                fcntl.flock(lock_file, fcntl.LOCK_UN)
            self._index.reload()

    # --- reads ----------------------------------------------------------------------------

    def _searcher(self) -> Any:
        return self._index.searcher()

    def reload(self) -> None:
        """Pick up commits made by another process (e.g. the indexing worker)."""
        self._index.reload()

    def warm(self) -> int:
        """Read every index file once, so that the first searches after a restart find it in
        the OS cache instead of on disk; returns the bytes read."""
        return sum(read_through(f) for f in sorted(self.path.iterdir()) if f.is_file())

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        if visible_sets_empty(query.visibility, query.filters):
            return SearchResult([], 0, False, _ms(started))
        parsed = parse_query(query.text)
        if parsed.unusable:
            return SearchResult([], 0, False, _ms(started))
        limit, offset = clamp_page(query)
        searcher = self._searcher()
        planner = Planner(self.schema, searcher, newest_first=query.newest_first)
        found = planner.run(parsed, query.filters, query.visibility, offset + limit)
        page = found.addresses[offset : offset + limit]
        ids = searcher.fast_field_values("id", page) if page else []
        return SearchResult([int(i) for i in ids], found.count, found.bounded, _ms(started))


def read_through(path: Path, chunk: int = 4 << 20) -> int:
    """Read a file to the end (into the OS cache), returning its size in bytes."""
    size = 0
    with open(path, "rb") as f:
        while block := f.read(chunk):
            size += len(block)
    return size


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
