"""Scaled-mode backend: PostgreSQL full text over words folded by HoSo itself.

The tsvector is built in Python as a literal (``'ke':1A 'kế':1A …``), so PostgreSQL's parser,
its locale and ``unaccent`` play no part: index and query use ``hoso.search.folding`` only.
Each word is stored folded; a word that carries marks is also stored in its exact form at the
same position, which is what the exact-accent boost looks for.

Besides the words the row holds word pairs, facets and time buckets (``postgres_lexemes``).

Query plan (see docs/decisions/0003-search.md): common words walk a recency b-tree; everything
else asks the GIN index (words, pairs, facets, one time bucket at a time, newest first). Only
the most recent ``candidates`` matches are ranked (exact-accent words first, then ``ts_rank``,
then recency): ranking every match of a very common word costs seconds at a million versions.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

import psycopg
from psycopg import sql

from hoso.search.engine import (
    FUZZY_MIN_CHARS,
    Clause,
    ParsedQuery,
    SearchDocument,
    SearchQuery,
    SearchResult,
    clamp_page,
    edits1,
    parse_query,
    visible_sets_empty,
)
from hoso.search.postgres_lexemes import (
    BUCKET_WEEKS,
    any_of,
    doc_words,
    facet,
    filters_tsquery,
    lexeme,
    phrase_pairs,
    tsquery_literal,
    tsvector_literal,
    visibility_tsquery,
    week_number,
)
from hoso.search.postgres_where import filter_columns, lead_column, recency_sql, where_sql

T = TypeVar("T")

DEFAULT_TABLE = "search_document"
CHUNK = 5_000
#: Estimated share of documents matching: at least DENSE → walk the recency index;
#: below → ask the GIN index one time bucket at a time, newest first, then everything.
DENSE = 0.05
#: Bucket lookups tried before asking for every match; a bucket size is used when it is
#: expected to hold at least BUCKET_FILL × the candidates wanted.
MAX_BUCKET_LOOKUPS = 4
BUCKET_FILL = 0.5
SMALL_PARTITION = 5_000
STATS_TTL = 300.0
#: (id, updated_at, (exact-word flags…, ts_rank)) of one match.
Candidate = tuple[int, datetime, tuple[Any, ...]]
_MODE_SETTINGS = {
    "walk": "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexscan = on",
    "gin": "SET enable_seqscan = off; SET enable_indexscan = off; SET enable_bitmapscan = on",
}
_COLUMNS = ("id", "record_type", "unit_id", "school_year", "state", "owner_id", "updated_at", "tsv")


def connect(dsn: str) -> psycopg.Connection[Any]:
    """An autocommit connection with JIT off (JIT adds ~100 ms to a search and saves nothing).

    The backend owns its connection: it changes planner settings of the session.
    """
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute("SET jit = off")
    return conn


def ensure_schema(conn: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> None:
    """Create the search table and its indexes if missing (idempotent)."""
    with conn.transaction():
        for statement in _schema_statements(table):
            conn.execute(statement)


def schema_sql(table: str = DEFAULT_TABLE) -> list[str]:
    """The same DDL as plain SQL, for a Django ``migrations.RunSQL`` on PostgreSQL."""
    return [statement.as_string(None) for statement in _schema_statements(table)]


def _schema_statements(table: str) -> list[sql.Composed]:
    t = sql.Identifier(table)
    return [
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (id bigint PRIMARY KEY, record_type text NOT NULL,"
            " unit_id bigint NOT NULL, school_year text NOT NULL, state text NOT NULL,"
            " owner_id bigint NOT NULL, updated_at timestamptz NOT NULL, tsv tsvector NOT NULL)"
            # Rows up to 8 kB stay in the table uncompressed: the walk and ts_rank read tsv
            # on every candidate, and a TOAST fetch per row made them 3-5 times slower.
            " WITH (toast_tuple_target = 8160)"
        ).format(t),
        *_index_statements(table),
        # The vocabulary (folded words of 4+ letters) that a typo is expanded against: a
        # primary-key lookup of a word's one-edit neighbours, no extension needed.
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (word text PRIMARY KEY)").format(
            sql.Identifier(f"{table}_words")
        ),
    ]


def _index_statements(table: str) -> list[sql.Composed]:
    t = sql.Identifier(table)
    return [
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} " + spec).format(
            sql.Identifier(f"{table}_{name}"), t
        )
        for name, spec in _INDEXES.items()
    ]


_INDEXES = {
    "tsv": "USING gin (tsv)",
    "recent": "(updated_at DESC)",
    "unit_recent": "(unit_id, updated_at DESC)",
    "year_recent": "(school_year, updated_at DESC)",
    "type_recent": "(record_type, updated_at DESC)",
    "owner_recent": "(owner_id, updated_at DESC)",
}
_INDEX_NAMES = tuple(_INDEXES)


# --- the backend --------------------------------------------------------------------------


class PostgresBackend:
    """``SearchBackend`` over one PostgreSQL table; ``ensure_schema`` runs on construction."""

    def __init__(
        self, conn: psycopg.Connection[Any], table: str = DEFAULT_TABLE, candidates: int = 100
    ) -> None:
        self.conn = conn
        self.table = table
        self.candidates = candidates
        #: PostgreSQL's statistics as read from pg_stats, by key: (expiry, value).
        self._stats: dict[str, tuple[float, Any]] = {}
        self._mode = ""
        ensure_schema(conn, table)

    # --- writes ---------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Insert or replace by id, in chunks (one transaction per chunk)."""
        written = 0
        for chunk in _chunks(docs, CHUNK):
            latest = {d.id: d for d in chunk}
            with self.conn.transaction():
                self._upsert(list(latest.values()))
            written += len(latest)
        return written

    def _upsert(self, docs: list[SearchDocument]) -> None:
        t = sql.Identifier(self.table)
        self.conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE IF NOT EXISTS _hoso_search_stage (LIKE {}) ON COMMIT DELETE ROWS"
            ).format(t)
        )
        self._copy("_hoso_search_stage", docs)
        updates = sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in _COLUMNS[1:]
        )
        self.conn.execute(
            sql.SQL(
                "INSERT INTO {} SELECT * FROM _hoso_search_stage ON CONFLICT (id) DO UPDATE SET {}"
            ).format(t, updates)
        )
        self._add_words(docs)

    def _add_words(self, docs: Iterable[SearchDocument]) -> None:
        """Words stay after their documents go: a stale word only expands to nothing."""
        words = sorted(set().union(*(doc_words(d) for d in docs)))
        if words:
            self.conn.execute(
                sql.SQL("INSERT INTO {} SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING").format(
                    sql.Identifier(f"{self.table}_words")
                ),
                (words,),
            )

    def _copy(self, table: str, docs: Iterable[SearchDocument]) -> int:
        cols = sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), cols)
        count = 0
        with self.conn.cursor() as cur, cur.copy(statement) as copy:
            for doc in docs:
                copy.write_row(_row(doc))
                count += 1
        return count

    def bulk_load(self, docs: Iterable[SearchDocument]) -> int:
        """Rebuild from scratch (reindex command, benchmark): drop indexes, COPY, reindex.

        Ids must be unique within ``docs``. Much faster than ``index`` for a million rows.
        """
        self.clear()
        with self.conn.transaction():
            for name in _INDEX_NAMES:
                self.conn.execute(
                    sql.SQL("DROP INDEX IF EXISTS {}").format(
                        sql.Identifier(f"{self.table}_{name}")
                    )
                )
            count = self._copy(self.table, docs)
            # The vocabulary from the vectors themselves (pairs hold a space, facets a ~).
            self.conn.execute(
                sql.SQL(
                    "INSERT INTO {} SELECT DISTINCT lexeme FROM {}, unnest(tsv)"
                    " WHERE length(lexeme) >= %s AND lexeme !~ '[ ~]' ON CONFLICT DO NOTHING"
                ).format(sql.Identifier(f"{self.table}_words"), sql.Identifier(self.table)),
                (FUZZY_MIN_CHARS - 1,),
            )
        for statement in _index_statements(self.table):
            self.conn.execute(statement)
        self.conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(self.table)))
        return count

    def delete(self, ids: Iterable[int]) -> None:
        id_list = list(ids)
        with self.conn.transaction():
            self.conn.execute(
                sql.SQL("DELETE FROM {} WHERE id = ANY(%s)").format(sql.Identifier(self.table)),
                (id_list,),
            )

    def clear(self) -> None:
        self.conn.execute(
            sql.SQL("TRUNCATE {}, {}").format(
                sql.Identifier(self.table), sql.Identifier(f"{self.table}_words")
            )
        )

    def analyze(self) -> None:
        """Refresh the statistics the plans are chosen from (after a rebuild)."""
        self.conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(self.table)))
        self._stats.clear()

    def warm(self) -> int:
        """Read the table and its indexes once into the OS cache (``pg_prewarm``, from
        PostgreSQL's contrib, in "read" mode), so the first searches after a restart do not
        each wait for the disk; without the extension (or the right to create it), read the
        table with a sequential scan. Returns the bytes read."""
        table = sql.Identifier(self.table)
        try:
            with self.conn.transaction():
                self.conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except psycopg.Error:
            read = sql.SQL("SELECT count(*) FROM {} WHERE tsv IS NOT NULL").format(table)
            self.conn.execute(read)
            row = self.conn.execute("SELECT pg_relation_size(%s::regclass)", (self.table,))
        else:
            row = self.conn.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0)"
                " * current_setting('block_size')::bigint FROM pg_class c"
                " WHERE c.oid = %s::regclass"
                " OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
                (self.table, self.table),
            )
        found = row.fetchone()
        return int(found[0]) if found else 0

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        if visible_sets_empty(query.visibility, query.filters):
            return SearchResult([], 0, False, _ms(started))
        parsed = parse_query(query.text)
        if parsed.unusable:
            return SearchResult([], 0, False, _ms(started))
        parsed = self._with_typos(parsed)
        limit, offset = clamp_page(query)
        window = max(self.candidates, offset + limit)
        ids, more = self._tiers(parsed, query, window)
        page = ids[offset : offset + limit]
        return SearchResult(page, len(ids), more, _ms(started))

    def _with_typos(self, parsed: ParsedQuery) -> ParsedQuery:
        """Each fuzzy clause also accepts the indexed words one edit away (see ``edits1``)."""
        clauses = []
        for clause in parsed.clauses:
            if clause.fuzzy:
                word = clause.tokens[0].folded
                rows = self.conn.execute(
                    sql.SQL("SELECT word FROM {} WHERE word = ANY(%s) ORDER BY word").format(
                        sql.Identifier(f"{self.table}_words")
                    ),
                    (sorted(edits1(word)),),
                    prepare=False,
                ).fetchall()
                clause = dataclasses.replace(clause, alternatives=tuple(r[0] for r in rows))
            clauses.append(clause)
        return dataclasses.replace(parsed, clauses=tuple(clauses))

    def _tiers(
        self, parsed: ParsedQuery, query: SearchQuery, window: int
    ) -> tuple[list[int], bool]:
        """Exact-accent tier first (every marked word exact), then the folded-only rest.

        The second tier is read only when the first does not fill the window, so exact matches
        rank first overall, and a common accented word costs one bounded query.
        """
        if parsed.is_empty:
            ids = _ranked(self._candidates(parsed, None, "walk", query, window))
            return ids, len(ids) >= window
        text = tsquery_literal(parsed.clauses, pairs=True)
        density = self._density(parsed.clauses) * self._filter_share(query)
        if not parsed.exact_tokens or query.newest_first:
            return self._matches(parsed, text, density, query, window)
        all_exact = " & ".join(lexeme(t.exact) for t in parsed.exact_tokens)
        exact_density = density * self._exact_share(parsed)
        tier1, more = self._matches(parsed, f"{text} & {all_exact}", exact_density, query, window)
        if len(tier1) >= window:
            return tier1, more
        rest = window - len(tier1)
        tier0, more = self._matches(parsed, f"{text} & !({all_exact})", density, query, rest)
        return tier1 + tier0, more

    def _matches(
        self, parsed: ParsedQuery, match: str, density: float, query: SearchQuery, window: int
    ) -> tuple[list[int], bool]:
        """Common words: walk recency. Otherwise: the GIN index, newest documents first.

        A small led partition (one school's versions) is always walked: at most a few
        thousand rows, cheaper than building a GIN bitmap for a frequent word.
        """
        if density >= DENSE or self._lead_rows(query) <= SMALL_PARTITION:
            ids = _ranked(self._candidates(parsed, match, "walk", query, window))
            return ids, len(ids) >= window
        narrowing = [*filters_tsquery(query.filters), visibility_tsquery(query.visibility)]
        lookup = " & ".join([match, *(n for n in narrowing if n)])
        found: list[Candidate] = []
        for bucket in self._buckets(density * self._row_estimate(), window):
            # One bucket lexeme is a *required* GIN entry: the index walks at most that
            # bucket's postings (an OR of buckets would leave it the common words' lists).
            found += self._candidates(parsed, f"{lookup} & {bucket}", "gin", query, window)
            if len(found) >= window:
                newest = sorted(found, key=lambda c: c[1], reverse=True)[:window]
                return _ranked(newest), True
        ids = _ranked(self._candidates(parsed, lookup, "gin", query, window))
        return ids, len(ids) >= window

    def _buckets(self, expected: float, window: int) -> list[str]:
        """Time-bucket lookups, newest first, of the smallest bucket size expected to hold
        about ``window`` matches (from ANALYZE's histogram of ``updated_at``); none when even
        the largest would not, or before the first ANALYZE. Buckets partition time, so the
        newest matches of the newest buckets are the newest matches overall. The first lookup
        is every bucket newer than the histogram (rows added since ANALYZE; usually none)."""
        bounds = self._updated_bounds()
        if len(bounds) < 2:
            return []
        first, last = week_number(bounds[0]), week_number(bounds[-1])
        per_week = expected / max(1, last - first + 1)
        now = week_number(datetime.now(UTC))
        for level, size in enumerate(BUCKET_WEEKS):
            if per_week * size >= window * BUCKET_FILL:
                top = last // size
                newer = [facet(f"w{level}", b) for b in range(top + 1, now // size + 1)][-64:]
                stop = max(first // size, top - MAX_BUCKET_LOOKUPS + 1)
                older = [lexeme(facet(f"w{level}", b)) for b in range(top, stop - 1, -1)]
                return ([any_of(newer)] if newer else []) + older
        return []

    def _candidates(
        self,
        parsed: ParsedQuery,
        match: str | None,
        mode: str,
        query: SearchQuery,
        window: int,
    ) -> list[Candidate]:
        """The ``window`` most recent matches with their ranking keys (see ``_ranked``).

        ``walk``: the match is hidden from GIN ("IS TRUE"), PostgreSQL walks a recency b-tree
        (led by a single-valued filter) and stops after the window. ``gin``: every match the
        GIN index returns for the tsquery (words, facets, time buckets), sorted; the row
        conditions only confirm.
        """
        lead = lead_column(query) if mode == "walk" else None
        where, params = where_sql(match, mode, query.filters, query.visibility, lead)
        tsq = tsquery_literal(parsed.clauses) if not parsed.is_empty else None
        exact = [lexeme(t.exact) for t in parsed.exact_tokens]
        if any(c.alternatives for c in parsed.clauses):
            # Typo-free matches rank above tolerated typos (after the exact-accent words).
            plain = [dataclasses.replace(c, alternatives=()) for c in parsed.clauses]
            exact.append(tsquery_literal(plain))
        keys = [sql.SQL("tsv @@ %s::tsquery")] * len(exact)
        keys.append(sql.SQL("ts_rank(tsv, %s::tsquery)" if tsq else "0.0"))
        statement = sql.SQL(
            "SELECT id, updated_at, {keys} FROM (SELECT id, tsv, updated_at FROM {t}"
            " WHERE {where} ORDER BY {recency} DESC LIMIT %s) AS recent"
        ).format(
            t=sql.Identifier(self.table),
            where=where,
            recency=recency_sql(mode, lead),
            keys=sql.SQL(", ").join(keys),
        )
        all_params = [*exact, *([tsq] if tsq else []), *params, window]
        self._plan_settings(mode)
        # Never a prepared statement: a generic plan cannot see how common the words are.
        rows = self.conn.execute(statement, all_params, prepare=False).fetchall()
        if query.newest_first:  # recency alone: no ranking keys
            return [(int(r[0]), r[1], (0.0,)) for r in rows]
        return [(int(r[0]), r[1], tuple(r[2:])) for r in rows]

    def _plan_settings(self, mode: str) -> None:
        """The plan is chosen here, not by the planner: it cannot know that a walk stops
        early (it would scan and sort the whole table: 1.2 s for "kế hoạch bài dạy" in one
        school year), nor that the GIN lookup is narrow (it would walk recency instead).

        Session settings of the backend's own connection, sent only when the mode changes:
        a round trip per search costs more than the search under load.
        """
        if self._mode != mode:
            self.conn.execute(_MODE_SETTINGS[mode])
            self._mode = mode

    # --- how common are the words? (PostgreSQL's own element statistics, cached) --------

    def _density(self, clauses: Iterable[Clause], *, exact: bool = False) -> float:
        """Estimated share of documents matching every clause (independence assumed)."""
        freqs, floor = self._lexeme_stats()
        if not freqs:
            return 0.0
        density = 1.0
        for clause in clauses:
            words = [t.exact if exact else t.folded for t in clause.tokens]
            if clause.prefix:
                share = sum(f for w, f in freqs.items() if w.startswith(words[0]))
            elif clause.alternatives and not exact:
                share = sum(freqs.get(w, floor) for w in (words[0], *clause.alternatives))
            else:
                # A phrase is no more common than its rarest word or word pair.
                keys = words if exact else [*words, *phrase_pairs(clause)]
                share = min(freqs.get(w, floor) for w in keys)
            density *= min(1.0, max(share, floor))
        return density

    def _filter_share(self, query: SearchQuery) -> float:
        """Share of rows a recency walk keeps after the filters it does not lead with."""
        lead = lead_column(query)
        share = 1.0
        for column, values in filter_columns(query.filters, query.visibility):
            if column != lead:
                share *= min(1.0, sum(self._value_share(column, v) for v in values))
        return share

    def _lead_rows(self, query: SearchQuery) -> float:
        lead = lead_column(query)
        if lead is None:
            return float("inf")
        values = dict(filter_columns(query.filters, query.visibility))[lead]
        return self._value_share(lead, next(iter(values))) * self._row_estimate()

    def _value_share(self, column: str, value: Any) -> float:
        common, rest = self._column_stats(column)
        return common.get(str(value), rest)

    def _column_stats(self, column: str) -> tuple[dict[str, float], float]:
        return self._cached(f"column:{column}", lambda: self._read_column_stats(column))

    def _cached(self, key: str, read: Callable[[], T]) -> T:
        """``read()``, kept STATS_TTL seconds (autovacuum's ANALYZE changes it slowly)."""
        now = time.monotonic()
        cached = self._stats.get(key)
        if cached is None or cached[0] < now:
            cached = (now + STATS_TTL, read())
            self._stats[key] = cached
        value: T = cached[1]
        return value

    def _read_column_stats(self, column: str) -> tuple[dict[str, float], float]:
        row = self.conn.execute(
            "SELECT most_common_vals::text::text[], most_common_freqs, n_distinct FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            (self.table, column),
            prepare=False,
        ).fetchone()
        if row is None or row[2] is None:
            return {}, 1.0
        values, freqs, n_distinct = row[0] or [], row[1] or [], float(row[2])
        total = self._row_estimate()
        distinct = n_distinct if n_distinct > 0 else -n_distinct * total
        others = max(distinct - len(values), 1.0)
        rest = max(0.0, 1.0 - sum(freqs)) / others
        return dict(zip(values, freqs, strict=True)), rest

    def _row_estimate(self) -> float:
        row = self.conn.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", (self.table,), prepare=False
        ).fetchone()
        return max(float(row[0]) if row else 1.0, 1.0)

    def _exact_share(self, parsed: ParsedQuery) -> float:
        """Share of the folded matches that hold the marked words exactly (the rarest one).

        Not multiplied in as independent words: "kế" and "ke" are the same documents.
        """
        freqs, floor = self._lexeme_stats()
        if not freqs:
            return 1.0
        floor = max(floor, 1e-9)
        shares = [
            max(freqs.get(t.exact, floor), floor) / max(freqs.get(t.folded, floor), floor)
            for t in parsed.exact_tokens
        ]
        return min([1.0, *shares])

    def _updated_bounds(self) -> list[datetime]:
        """ANALYZE's equal-count histogram of ``updated_at``, oldest first (cached)."""
        return self._cached("bounds", self._read_bounds)

    def _read_bounds(self) -> list[datetime]:
        row = self.conn.execute(
            "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s"
            " AND attname = 'updated_at'",
            (self.table,),
            prepare=False,
        ).fetchone()
        return list(row[0] or []) if row else []

    def _lexeme_stats(self) -> tuple[dict[str, float], float]:
        return self._cached("lexemes", self._read_stats)

    def _read_stats(self) -> tuple[dict[str, float], float]:
        row = self.conn.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'tsv'",
            (self.table,),
            prepare=False,
        ).fetchone()
        if row is None or row[0] is None:
            return {}, 0.0
        words, freqs = row[0], row[1]
        # tsvector statistics end with the minimum and maximum frequency; a word missing from
        # the list is rarer than the minimum (PostgreSQL itself guesses half of it).
        return dict(zip(words, freqs[: len(words)], strict=True)), float(freqs[-2]) / 2


def _ranked(candidates: list[Candidate]) -> list[int]:
    """Best first: every marked word exact (in query order), then ts_rank, then recency."""

    def key(c: Candidate) -> tuple[Any, ...]:
        *flags, rank = c[2]
        return (*(not f for f in flags), -rank, -c[1].timestamp())

    return [c[0] for c in sorted(candidates, key=key)]


def _row(doc: SearchDocument) -> tuple[Any, ...]:
    return (
        doc.id,
        doc.record_type,
        doc.unit_id,
        doc.school_year,
        doc.state,
        doc.owner_id,
        doc.updated_at,
        tsvector_literal(doc),
    )


def _chunks(docs: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
