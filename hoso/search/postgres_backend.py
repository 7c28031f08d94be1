"""Scaled-mode backend: PostgreSQL full text over words folded by HoSo itself.

The tsvector is built in Python as a literal (``'ke':1A 'kế':1A …``), so PostgreSQL's parser,
its locale and ``unaccent`` play no part: index and query use ``hoso.search.folding`` only.
Each word is stored folded; a word that carries marks is also stored in its exact form at the
same position, which is what the exact-accent boost looks for.

Query plan (see docs/decisions/0003-search.md): filter and match through the GIN and b-tree
indexes, take the most recent ``candidates`` matches, and rank only those (exact-accent words
first, then ``ts_rank``, then recency). Ranking every match of a very common word costs
seconds at a million versions; ranking a bounded, recent candidate set costs milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import psycopg
from psycopg import sql

from hoso.search.engine import (
    Clause,
    Grant,
    ParsedQuery,
    SearchDocument,
    SearchFilters,
    SearchQuery,
    SearchResult,
    Visibility,
    clamp_page,
    parse_query,
    visible_sets_empty,
)
from hoso.search.folding import fold_words, split_words

DEFAULT_TABLE = "search_document"
#: tsvector limits: positions above 16,383 are clamped; a lexeme keeps at most 256 positions.
MAX_POSITION = 16_383
MAX_WORDS = 60_000
CHUNK = 5_000
#: Estimated share of documents matching: ≥ DENSE walk recency order, < RARE use GIN,
#: in between look at the newest PROBE visible rows first, then GIN.
DENSE = 0.01
RARE = 0.0005
PROBE = 3_000
SMALL_PARTITION = 5_000
STATS_TTL = 300.0
_COLUMNS = ("id", "record_type", "unit_id", "school_year", "state", "owner_id", "updated_at", "tsv")


def connect(dsn: str) -> psycopg.Connection[Any]:
    """An autocommit connection with JIT off (JIT adds ~100 ms to a search and saves nothing)."""
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
        ).format(t),
        *_index_statements(table),
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


# --- tsvector / tsquery literals ----------------------------------------------------------


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: SearchDocument) -> str:
    """Title words weigh A, metadata B, body D; marked words also go in with accents."""
    parts: list[str] = []
    position = 0
    for text, weight in ((doc.title, "A"), (doc.metadata, "B"), (doc.body, "")):
        exact = split_words(text)[:MAX_WORDS]
        for word, folded in zip(exact, fold_words(exact), strict=True):
            position = min(position + 1, MAX_POSITION)
            parts.append(f"{_lexeme(folded)}:{position}{weight}")
            if word != folded:
                parts.append(f"{_lexeme(word)}:{position}{weight}")
    return " ".join(parts)


def tsquery_literal(clauses: Iterable[Clause]) -> str:
    """AND of clauses; a phrase is ``<->``-joined; a prefix is ``:*``."""
    out = []
    for clause in clauses:
        words = [_lexeme(t.folded) for t in clause.tokens]
        if clause.prefix:
            out.append(f"{words[0]}:*")
        else:
            out.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " & ".join(out)


# --- the backend --------------------------------------------------------------------------


class PostgresBackend:
    """``SearchBackend`` over one PostgreSQL table; ``ensure_schema`` runs on construction."""

    def __init__(
        self, conn: psycopg.Connection[Any], table: str = DEFAULT_TABLE, candidates: int = 100
    ) -> None:
        self.conn = conn
        self.table = table
        self.candidates = candidates
        self._stats_cache: tuple[float, dict[str, float], float] | None = None
        self._column_cache: dict[str, tuple[float, dict[str, float], float]] = {}
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
        self.conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(self.table)))

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        if visible_sets_empty(query.visibility, query.filters):
            return SearchResult([], 0, False, _ms(started))
        parsed = parse_query(query.text)
        limit, offset = clamp_page(query)
        window = max(self.candidates, offset + limit)
        ids, more = self._tiers(parsed, query, window)
        page = ids[offset : offset + limit]
        return SearchResult(page, len(ids), more, _ms(started))

    def _tiers(
        self, parsed: ParsedQuery, query: SearchQuery, window: int
    ) -> tuple[list[int], bool]:
        """Exact-accent tier first (every marked word exact), then the folded-only rest.

        The second tier is read only when the first does not fill the window, so exact matches
        rank first overall, and a common accented word costs one bounded query.
        """
        if parsed.is_empty:
            ids = self._candidates(parsed, None, "walk", query, window)
            return ids, len(ids) >= window
        text = tsquery_literal(parsed.clauses)
        density = self._density(parsed.clauses) * self._filter_share(query)
        if not parsed.exact_tokens:
            return self._matches(parsed, text, density, query, window)
        all_exact = " & ".join(_lexeme(t.exact) for t in parsed.exact_tokens)
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
        """Common words: walk recency. Rare: GIN. In between: a bounded walk, then GIN.

        A small led partition (one school's versions) is always walked: at most a few
        thousand rows, cheaper than building a GIN bitmap for a frequent word.
        """
        if density >= DENSE or self._lead_rows(query) <= SMALL_PARTITION:
            ids = self._candidates(parsed, match, "walk", query, window)
        elif density < RARE:
            ids = self._candidates(parsed, match, "gin", query, window)
        else:
            ids = self._candidates(parsed, match, "probe", query, window)
            if len(ids) < window:
                ids = self._candidates(parsed, match, "gin", query, window)
        return ids, len(ids) >= window

    def _candidates(
        self,
        parsed: ParsedQuery,
        match: str | None,
        mode: str,
        query: SearchQuery,
        window: int,
    ) -> list[int]:
        """The ``window`` most recent matches, ranked: marked words exact, ts_rank, recency.

        ``walk``: the match is hidden from GIN ("IS TRUE"), PostgreSQL walks a recency b-tree
        (led by a single-valued filter) and stops after the window. ``gin``: every match
        from the GIN index, sorted (an expression keeps PostgreSQL from gambling on the walk,
        1.5 s for one code). ``probe``: the match among the newest ``PROBE`` visible rows.
        """
        lead = _lead_column(query) if mode != "gin" else None
        probing = mode == "probe" and match is not None
        where, params = _where(
            None if probing else match, mode, query.filters, query.visibility, lead
        )
        recency = _recency(mode, lead)
        tsq = tsquery_literal(parsed.clauses) if not parsed.is_empty else None
        exact = [_lexeme(t.exact) for t in parsed.exact_tokens]
        order = [sql.SQL("(tsv @@ %s::tsquery) DESC")] * len(exact)
        order += [sql.SQL("ts_rank(tsv, %s::tsquery) DESC")] if tsq else []
        order += [sql.SQL("updated_at DESC")]
        source = sql.SQL(
            "SELECT id, tsv, updated_at FROM {t} WHERE {where} ORDER BY {recency} DESC LIMIT %s"
        ).format(t=sql.Identifier(self.table), where=where, recency=recency)
        if probing:
            source = sql.SQL(
                "SELECT id, tsv, updated_at FROM ({}) AS newest WHERE tsv @@ %s::tsquery"
                " ORDER BY updated_at DESC LIMIT %s"
            ).format(source)
            params = [*params, PROBE, match]
        statement = sql.SQL("SELECT id FROM ({}) AS recent ORDER BY {}").format(
            source, sql.SQL(", ").join(order)
        )
        all_params = [*params, window, *exact, *([tsq] if tsq else [])]
        # Never a prepared statement: a generic plan cannot see how common the words are and
        # picks a full bitmap scan for "đánh giá" (1.4 s instead of 6 ms).
        if mode == "gin":
            rows = self.conn.execute(statement, all_params, prepare=False).fetchall()
            return [int(r[0]) for r in rows]
        with self.conn.transaction():
            # The walk is the plan; PostgreSQL, believing few rows match, would rather scan
            # the whole table and sort (1.2 s for "kế hoạch bài dạy" in one school year).
            self.conn.execute("SET LOCAL enable_seqscan = off")
            self.conn.execute("SET LOCAL enable_bitmapscan = off")
            rows = self.conn.execute(statement, all_params, prepare=False).fetchall()
        return [int(r[0]) for r in rows]

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
            else:
                share = min(freqs.get(w, floor) for w in words)
            density *= min(1.0, max(share, floor))
        return density

    def _filter_share(self, query: SearchQuery) -> float:
        """Share of rows a recency walk keeps after the filters it does not lead with."""
        lead = _lead_column(query)
        share = 1.0
        for column, values in _filter_columns(query.filters, query.visibility):
            if column != lead:
                share *= min(1.0, sum(self._value_share(column, v) for v in values))
        return share

    def _lead_rows(self, query: SearchQuery) -> float:
        lead = _lead_column(query)
        if lead is None:
            return float("inf")
        values = dict(_filter_columns(query.filters, query.visibility))[lead]
        return self._value_share(lead, next(iter(values))) * self._row_estimate()

    def _value_share(self, column: str, value: Any) -> float:
        common, rest = self._column_stats(column)
        return common.get(str(value), rest)

    def _column_stats(self, column: str) -> tuple[dict[str, float], float]:
        now = time.monotonic()
        cached = self._column_cache.get(column)
        if cached is None or cached[0] < now:
            cached = (now + STATS_TTL, *self._read_column_stats(column))
            self._column_cache[column] = cached
        return cached[1], cached[2]

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

    def _lexeme_stats(self) -> tuple[dict[str, float], float]:
        now = time.monotonic()
        if self._stats_cache is None or self._stats_cache[0] < now:
            self._stats_cache = (now + STATS_TTL, *self._read_stats())
        return self._stats_cache[1], self._stats_cache[2]

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


def _where(
    match: str | None,
    mode: str,
    filters: SearchFilters,
    vis: Visibility,
    lead: str | None = None,
) -> tuple[sql.Composable, list[Any]]:
    """Conditions; only the index the mode wants is left usable to the planner.

    PostgreSQL otherwise ANDs a 100,000-row record-type bitmap into a teacher's 2,000 rows
    (60 ms) or walks the wrong index; an expression (``col || ''``, ``col + 0``) hides one.
    """
    conds: list[sql.Composable] = []
    params: list[Any] = []
    if match is not None:
        # Common words: "IS TRUE" hides the match from the GIN index, so PostgreSQL walks a
        # b-tree in recency order and stops after the window; a GIN bitmap would fetch and
        # sort every match (2 s for "bao giang").
        hidden = mode == "walk"
        conds.append(sql.SQL("(tsv @@ %s::tsquery) IS TRUE" if hidden else "tsv @@ %s::tsquery"))
        params.append(match)
    for column, values in _filter_columns(filters, vis):
        if column == lead:
            # A range, not "=": PostgreSQL would drop a constant column from the ORDER BY and
            # walk the plain recency index instead of (lead, updated_at).
            conds.append(sql.SQL("{0} >= %s AND {0} <= %s").format(sql.Identifier(column)))
            params.extend([next(iter(values))] * 2)
            continue
        indexable = mode == "gin" and column == "unit_id"
        conds.append(_in_sql(column, values, indexable))
        params.append(sorted(values, key=str) if len(values) > 1 else next(iter(values)))
    grant_sql, grant_params = _grants(vis)
    if grant_sql is not None:
        conds.append(grant_sql)
        params.extend(grant_params)
    return sql.SQL(" AND ").join(conds or [sql.SQL("TRUE")]), params


def _recency(mode: str, lead: str | None) -> sql.Composable:
    if mode == "gin":
        return sql.SQL("updated_at + interval '0 s'")
    if lead is None:
        return sql.SQL("updated_at")
    return sql.SQL("{}, updated_at").format(sql.Identifier(lead))


def _lead_column(query: SearchQuery) -> str | None:
    """A single-valued filter whose (column, updated_at) index the recency walk should use.

    PostgreSQL cannot know that an old school year sits at the far end of the plain recency
    index (a 0.8 s walk); walking (school_year, updated_at) finds it at once.
    """
    filters = query.filters
    for column, values in (
        ("unit_id", filters.unit_ids or _shared_units(query.visibility)),
        ("owner_id", filters.owner_ids),
        ("record_type", filters.record_types),
        ("school_year", filters.school_years),
    ):
        if values is not None and len(values) == 1:
            return column
    return None


def _in_sql(column: str, values: frozenset[Any], indexable: bool) -> sql.Composable:
    target: sql.Composable = sql.Identifier(column)
    if not indexable:
        hide = "({} + 0)" if column in ("unit_id", "owner_id") else "({} || '')"
        target = sql.SQL(hide).format(target)
    form = "{} = %s" if len(values) == 1 else "{} = ANY(%s)"
    return sql.SQL(form).format(target)


def _filter_columns(filters: SearchFilters, vis: Visibility) -> Iterator[tuple[str, Any]]:
    yield from (
        (column, values)
        for column, values in (
            ("record_type", filters.record_types),
            ("unit_id", filters.unit_ids),
            ("school_year", filters.school_years),
            ("state", filters.states),
            ("owner_id", filters.owner_ids),
        )
        if values is not None
    )
    # Hoisted so the planner can use the (unit_id, updated_at) index under the OR below.
    shared = _shared_units(vis)
    if shared is not None:
        yield "unit_id", shared


def _shared_units(vis: Visibility) -> frozenset[int] | None:
    units = {g.unit_ids for g in vis.grants}
    if len(units) == 1:
        (only,) = units
        return only
    return None


def _grants(vis: Visibility) -> tuple[sql.Composable | None, list[Any]]:
    if any(_unrestricted(g) for g in vis.grants):
        return None, []
    hoisted = _shared_units(vis) is not None
    parts: list[sql.Composable] = []
    params: list[Any] = []
    for grant in vis.grants:
        part, part_params = _grant(grant, skip_units=hoisted)
        parts.append(part)
        params.extend(part_params)
    return sql.SQL("({})").format(sql.SQL(" OR ").join(parts)), params


def _grant(grant: Grant, *, skip_units: bool) -> tuple[sql.Composable, list[Any]]:
    conds: list[sql.Composable] = []
    params: list[Any] = []
    if grant.unit_ids is not None and not skip_units:
        conds.append(sql.SQL("unit_id = ANY(%s)"))
        params.append(sorted(grant.unit_ids))
    if grant.owner_id is not None:
        conds.append(sql.SQL("owner_id = %s"))
        params.append(grant.owner_id)
    if grant.exclude_states:
        conds.append(sql.SQL("state <> ALL(%s)"))
        params.append(sorted(grant.exclude_states))
    return sql.SQL("({})").format(sql.SQL(" AND ").join(conds or [sql.SQL("TRUE")])), params


def _unrestricted(grant: Grant) -> bool:
    return grant.unit_ids is None and grant.owner_id is None and not grant.exclude_states


def _chunks(docs: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
