"""Wiring records to hoso.search: which backend, what a record looks like to the index, and
a query restricted by the same policy as every list (the database has the last word: hits
are re-filtered through `records_visible_to`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from hoso.org.models import Role, Unit
from hoso.policy.grants import INSPECTOR_ROLES, SCHOOL_ROLES, grants_for
from hoso.records.models import Record, RecordState, RecordVersion
from hoso.records.policies import SCHOOL_READERS, path_q
from hoso.search.engine import (
    Grant,
    SearchBackend,
    SearchDocument,
    SearchFilters,
    SearchQuery,
    Visibility,
)

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
    from hoso.records.renditions import version_text

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


def _unit_ids(query: Any) -> frozenset[int]:
    return frozenset(Unit.objects.filter(query).values_list("pk", flat=True))


def visibility_for(user: Any) -> Visibility:
    """The policy's `records.record.view` scope in the search engine's terms."""
    grants = grants_for(user)
    if grants.user_id is None:
        return Visibility.nothing()
    if grants.is_admin:
        return Visibility.for_units(None, user.pk)
    from django.db.models import Q

    readers = _unit_ids(
        Q(school_id__in=grants.schools(SCHOOL_READERS))
        | path_q("path", grants.subtree_paths({Role.TTCM}))
        | path_q("path", grants.subtree_paths(INSPECTOR_ROLES))
    )
    staff_units = _unit_ids(Q(school_id__in=grants.schools(SCHOOL_ROLES))) - readers
    # The units whose subtrees hold those sets: a hint that lets the index ask for one Phòng
    # or one school instead of its hundreds of units (the unit sets stay the rule).
    reader_roots = (
        grants.schools(SCHOOL_READERS) | grants.units({Role.TTCM}) | grants.units(INSPECTOR_ROLES)
    )
    items = [Grant(owner_id=user.pk)]
    if readers:
        drafts = frozenset({"draft"})
        items.append(Grant(unit_ids=readers, exclude_states=drafts, within=frozenset(reader_roots)))
    if staff_units:
        schools = frozenset(grants.schools(SCHOOL_ROLES))
        items.append(Grant(unit_ids=staff_units, exclude_states=UNPUBLISHED, within=schools))
    return Visibility(tuple(items))


def search_record_ids(
    user: Any, text: str, *, filters: SearchFilters | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[int], int]:
    backend = search_backend()
    reload = getattr(backend, "reload", None)
    if reload is not None:
        reload()  # pick up what the worker indexed
    query = SearchQuery(
        text=text,
        visibility=visibility_for(user),
        filters=filters or SearchFilters(),
        limit=limit,
        offset=offset,
    )
    result = backend.search(query)
    return result.ids, result.total
