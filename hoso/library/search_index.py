"""The union catalogue through the project's search engine: every title is a document of a
tantivy index of its own (DATA_DIR/search-library), with the engine's Vietnamese folding and
query language; a Phòng's or the Sở's search is restricted to the schools below it.

Titles are (re)indexed after the transaction that wrote them commits. That transaction also
marks them `index_pending`; the mark is cleared once they are in the index, so a process killed
between the commit and the index leaves them marked, and `index_pending_titles` (every ten
minutes, library.tasks) puts them in. `hoso library_reindex` rebuilds the index from the
database."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.library.models import BibRecord
from hoso.org.models import Unit, UnitKind
from hoso.search.engine import Grant, SearchDocument, SearchFilters, SearchQuery, Visibility

BATCH = 5000


@cache
def _backend(where: str) -> object:
    from hoso.search.tantivy_backend import TantivyBackend

    return TantivyBackend(where, writer_heap=50_000_000)


def backend() -> object:
    return _backend(str(Path(settings.DATA_DIR) / "search-library"))


def to_document(record: BibRecord, school_path: str) -> SearchDocument:
    isbn = record.isbn or ""
    return SearchDocument(
        id=record.pk,
        title=record.title,
        body=" ".join(
            p
            for p in (
                record.authors,
                record.subject,
                record.series,
                isbn,
                isbn.replace("-", ""),
                record.class_number,
            )
            if p
        ),
        metadata=record.publisher,
        record_type=record.kind,
        unit_id=record.school_id,
        school_year="",
        state="published",
        owner_id=0,
        updated_at=record.created_at or timezone.now(),
        unit_path=tuple(int(p) for p in school_path.strip("/").split("/") if p),
    )


def index_records(ids: Iterable[int]) -> int:
    ids = list(ids)
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = BibRecord.objects.filter(pk__in=ids[start : start + BATCH]).select_related("school")
        docs = [to_document(r, r.school.path) for r in chunk]
        written += backend().index(docs)  # type: ignore[attr-defined]
    return written


def index_later(ids: list[int]) -> None:
    """Index these titles once the current transaction has committed; until then, and if the
    process dies before, they stay marked for the sweep."""
    for start in range(0, len(ids), BATCH):
        BibRecord.objects.filter(pk__in=ids[start : start + BATCH]).update(index_pending=True)
    transaction.on_commit(lambda: _index_and_clear(ids))


def _index_and_clear(ids: list[int]) -> int:
    written = index_records(ids)
    for start in range(0, len(ids), BATCH):
        BibRecord.objects.filter(pk__in=ids[start : start + BATCH]).update(index_pending=False)
    return written


def index_pending_titles() -> int:
    """Put every title still marked in the index (the sweep); returns how many."""
    done = 0
    while ids := list(
        BibRecord.objects.filter(index_pending=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    ):
        done += _index_and_clear(ids)
    return done


def reindex_all() -> int:
    backend().clear()  # type: ignore[attr-defined]
    ids = list(BibRecord.objects.order_by("pk").values_list("pk", flat=True))
    return _index_and_clear(ids)


def union_search(
    unit: Unit, text: str, kind: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[int], int]:
    """Ids of the titles below `unit` matching `text` (best first) and how many match."""
    schools = frozenset(
        Unit.objects.filter(kind=UnitKind.TRUONG, path__startswith=unit.path).values_list(
            "pk", flat=True
        )
    )
    if not schools or not text.strip():
        return [], 0
    query = SearchQuery(
        text=text,
        visibility=Visibility((Grant(unit_ids=schools, within=frozenset({unit.pk})),)),
        filters=SearchFilters(record_types=frozenset({kind}) if kind else None),
        limit=limit,
        offset=offset,
    )
    result = backend().search(query)  # type: ignore[attr-defined]
    return list(result.ids), int(result.total)
