"""Wiring records to hoso.search: which backend, what a record looks like to the index, and
a query restricted by the same policy as every list (the database has the last word: hits
are re-filtered through `records_visible_to`)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.policy.grants import grants_for
from hoso.records.homerooms import homeroom_pairs
from hoso.records.models import Record, RecordState, RecordVersion
from hoso.records.policies import RecordReach, RecordViewScope, path_q, record_view_scope
from hoso.search.engine import (
    Grant,
    SearchBackend,
    SearchDocument,
    SearchFilters,
    SearchQuery,
    SearchResult,
    Visibility,
)
from hoso.search.maintenance import IndexSource, register_index_source

UNPUBLISHED = frozenset(
    {"draft", RecordState.SUBMITTED, RecordState.RETURNED, RecordState.APPROVED}
)


@cache
def _backend(kind: str, where: str) -> SearchBackend:
    if kind == "postgres":
        from hoso.search.postgres_backend import PostgresBackend, connect

        return PostgresBackend(connect(where))
    from hoso.search.tantivy_backend import TantivyBackend

    return TantivyBackend(where, writer_heap=50_000_000)


def search_backend() -> SearchBackend:
    """HOSO_SEARCH_BACKEND = "embedded" (tantivy in DATA_DIR/search, the default) or
    "postgres" (a table in the main PostgreSQL database)."""
    kind = getattr(settings, "HOSO_SEARCH_BACKEND", "embedded")
    if kind == "postgres" and connection.vendor == "postgresql":
        db = connection.settings_dict
        dsn = (
            f"dbname={db['NAME']} user={db['USER']} host={db['HOST'] or 'localhost'} "
            f"port={db['PORT'] or 5432} password={db['PASSWORD'] or ''}"
        )
        return _backend("postgres", dsn)
    return _backend("embedded", str(Path(settings.DATA_DIR) / "search"))


def index_state(record: Record) -> str:
    return "draft" if record.first_submitted_at is None else str(record.state)


def record_document(record: Record, version: RecordVersion, text: str) -> SearchDocument:
    record_type = record.record_type
    metadata = " ".join(
        [record_type.name, record_type.code, record.period_key, version.filename, record.unit.name]
    )
    owner = record.owner
    return SearchDocument(
        id=record.pk,
        title=record.title,
        body=text,
        metadata=f"{metadata} {owner.first_name} {owner.last_name}",
        record_type=record_type.code,
        unit_id=record.unit_id,
        school_year=record.school_year.name,
        state=index_state(record),
        owner_id=record.owner_id,
        updated_at=record.updated_at,
        unit_path=tuple(record.unit.ancestor_ids()),
    )


def record_index(*, record_id: int) -> None:
    """Index the record under its latest version (idempotent: replaces by id)."""
    records_index([record_id])


def records_index(record_ids: list[int]) -> int:
    """Index these records in one backend commit; records that are gone are removed."""
    from hoso.records.selectors import version_text

    # Destroyed records (hoso.retention keeps only a stub) never go back into the index.
    records = Record.objects.filter(destruction__isnull=True).select_related(
        "record_type", "unit", "school_year", "owner"
    )
    docs = []
    found = records.in_bulk(record_ids)
    latest = {
        v.record_id: v for v in RecordVersion.objects.filter(record_id__in=found).order_by("number")
    }
    for record_id, record in found.items():
        if record_id in latest:
            docs.append(record_document(record, latest[record_id], version_text(latest[record_id])))
    gone = [i for i in record_ids if i not in latest]
    if gone:
        search_backend().delete(gone)
    return search_backend().index(docs) if docs else 0


# --- queries ----------------------------------------------------------------------------------


def search_visibility(scope: RecordViewScope) -> Visibility:
    """The policy's `records.record.view` scope (hoso.records.policies.record_view_scope) in the
    search engine's terms: the units whose records each reach shows, the states it hides, and
    the GVCN's classes by school year. Translated here, never restated: a change of the rule
    changes what search finds."""
    grants: list[Grant] = []
    if scope.owner_id is not None:
        grants.append(Grant(owner_id=scope.owner_id))
    if scope.all_submitted:
        grants.append(Grant(exclude_states=frozenset({"draft"})))
    for reach in scope.reaches:
        hidden = UNPUBLISHED if reach.published_only else frozenset({"draft"})
        units, roots = _reach_units(reach)
        if units:
            grants.append(Grant(unit_ids=units, exclude_states=hidden, within=roots))
    if scope.homerooms_of is not None:
        grants.extend(_homeroom_grants(scope.homerooms_of))
    return Visibility(tuple(grants))


def _homeroom_grants(user_id: int) -> list[Grant]:
    """One grant per school year the person is GVCN in: the submitted records of their classes
    that year (the index knows a year by its name)."""
    pairs = homeroom_pairs(user_id)
    if not pairs:
        return []
    classes = Unit.objects.filter(pk__in={c for c, _ in pairs}, kind=UnitKind.LOP)
    kept = set(classes.values_list("pk", flat=True))
    names = dict(SchoolYear.objects.filter(pk__in={y for _, y in pairs}).values_list("pk", "name"))
    by_year: dict[str, set[int]] = defaultdict(set)
    for class_id, year_id in pairs:
        if class_id in kept:
            by_year[names[year_id]].add(class_id)
    hidden = frozenset({"draft"})
    return [
        Grant(unit_ids=frozenset(units), exclude_states=hidden, school_year=year)
        for year, units in sorted(by_year.items())
    ]


def _reach_units(reach: RecordReach) -> tuple[frozenset[int], frozenset[int]]:
    """The units whose records a reach shows, and the units whose subtrees hold them all (a
    hint for the index). A record's school is its unit's school, or the unit itself for a
    Phòng or Sở (records.services)."""
    own_school = Q(school__isnull=True)
    query = (
        Q(school_id__in=reach.school_ids)
        | (own_school & Q(pk__in=reach.school_ids))
        | path_q("path", set(reach.unit_paths))
        | path_q("school__path", set(reach.school_paths))
        | (own_school & path_q("path", set(reach.school_paths)))
    )
    units = frozenset(Unit.objects.filter(query).values_list("pk", flat=True))
    roots = set(reach.school_ids)
    roots |= {_unit_of_path(path) for path in reach.unit_paths | reach.school_paths}
    return units, frozenset(roots)


def _unit_of_path(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def search_record_ids(
    user: Any, text: str, *, filters: SearchFilters | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[int], int]:
    result = search_result(user, text, filters=filters, limit=limit, offset=offset)
    return result.ids, result.total


def search_result(
    user: Any,
    text: str,
    *,
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    newest_first: bool = False,
) -> SearchResult:
    """One page of matches (ids best first, or newest first) and how many there are."""
    backend = search_backend()
    reload = getattr(backend, "reload", None)
    if reload is not None:
        reload()  # pick up what the worker indexed
    query = SearchQuery(
        text=text,
        visibility=search_visibility(record_view_scope(grants_for(user), user)),
        filters=filters or SearchFilters(),
        limit=limit,
        offset=offset,
        newest_first=newest_first,
    )
    return backend.search(query)


def register() -> None:
    """Records are what the search index holds (hoso.search.maintenance rebuilds it)."""
    register_index_source(
        IndexSource(backend=search_backend, documents=Record.objects.all, index=records_index)
    )
