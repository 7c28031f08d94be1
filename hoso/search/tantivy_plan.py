"""Query planning for the tantivy backend.

Two tiers when the query has marked words: documents holding every marked word exactly, then
the rest; so exact-accent matches rank first. Within a tier:

* a selective query (an upper bound of its hits, from document frequencies, ≤ ``FULL_LIMIT``)
  is ranked over all its hits: BM25, title words boosted, each exact word +``EXACT_SCORE``;
* a huge one ("hoc", "bao giang") is ranked within the most recent weeks only, widening the
  window until the page is full. Scoring a million hits costs 40-230 ms; a window of recent
  weeks costs a few ms. Its total is then a lower bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import tantivy

from hoso.search.engine import Clause, Grant, ParsedQuery, SearchFilters, Visibility

EXACT_SCORE = 1000.0
TITLE_BOOST = 2.0
FULL_LIMIT = 20_000
#: A full pass led by at most this many documents stays cheap (a few ms).
LEADER_LIMIT = 60_000
#: Candidate windows, in documents, tried newest first before the whole index.
WINDOWS = (5_000, 50_000, 500_000)
_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
Subs = list[tuple[Any, tantivy.Query]]


@dataclass(frozen=True, slots=True)
class Collected:
    addresses: list[Any]
    count: int
    bounded: bool


class Planner:
    """Builds and runs the tiers for one search on one searcher."""

    def __init__(
        self, schema: tantivy.Schema, searcher: Any, *, newest_first: bool = False
    ) -> None:
        self.schema = schema
        self.searcher = searcher
        self.newest_first = newest_first
        self._selective: list[tantivy.Query] = []

    def run(
        self, parsed: ParsedQuery, filters: SearchFilters, vis: Visibility, need: int
    ) -> Collected:
        restrictions, bounds = self._restrictions(filters, vis)
        required = [self._clause(c, "text") for c in parsed.clauses]
        estimate = self._estimate([*bounds, *(self._clause_df(c) for c in parsed.clauses)])
        boosts = self._boosts(parsed)
        if not parsed.exact_tokens or self.newest_first:
            return self._collect(required + restrictions, boosts, estimate, need, parsed)
        exact = self._all_exact(parsed)
        # One factor per clause: a word and its exact form are the same documents.
        exact_bounds = [self._exact_clause_df(c) for c in parsed.clauses]
        tier1_estimate = min(estimate, self._estimate([*bounds, *exact_bounds]))
        tier1 = self._collect(
            [*required, exact, *restrictions], boosts, tier1_estimate, need, parsed
        )
        if len(tier1.addresses) >= need:
            return Collected(tier1.addresses, tier1.count, True)
        rest = [*required, *restrictions]
        tier0 = self._collect(rest, boosts, estimate, need - len(tier1.addresses), parsed, exact)
        return Collected(
            tier1.addresses + tier0.addresses,
            tier1.count + tier0.count,
            tier1.bounded or tier0.bounded,
        )

    # --- running --------------------------------------------------------------------------

    def _collect(
        self,
        must: list[tantivy.Query],
        boosts: list[tantivy.Query],
        estimate: int,
        need: int,
        parsed: ParsedQuery,
        must_not: tantivy.Query | None = None,
    ) -> Collected:
        subs: Subs = [(_MUST, q) for q in must] or [(_MUST, tantivy.Query.all_query())]
        subs += [(_MUST_NOT, must_not)] if must_not is not None else []
        order = "updated_at" if parsed.is_empty or self.newest_first else None
        if estimate <= FULL_LIMIT:
            return self._search(_boosted(subs, boosts), need, order, bounded=False)
        for window in self._windows():
            query = _boosted([*subs, (_MUST, window)], boosts)
            found = self._search(query, need, order, bounded=True)
            if found.count >= need:
                return found
        return self._search(_boosted(subs, boosts), need, order, bounded=False)

    def _search(
        self, query: tantivy.Query, need: int, order: str | None, *, bounded: bool
    ) -> Collected:
        found = self.searcher.search(query, limit=max(need, 1), count=True, order_by_field=order)
        return Collected([addr for _, addr in found.hits], int(found.count), bounded)

    def _windows(self) -> Iterator[tantivy.Query]:
        """Newest weeks holding ``WINDOWS`` documents that pass the selective restrictions."""
        selective = [(_MUST, q) for q in self._selective]
        scope = tantivy.Query.boolean_query(selective) if selective else None
        counts = self.searcher.terms_with_prefix("week", "", filter_query=scope)
        weeks = sorted(counts, reverse=True)
        total, chosen = 0, []
        targets = iter(WINDOWS)
        target = next(targets, None)
        for week, df in weeks:
            if target is None:
                return
            chosen.append(week)
            total += int(df)
            if total >= target:
                yield tantivy.Query.term_set_query(self.schema, "week", list(chosen))
                target = next(targets, None)

    # --- building -------------------------------------------------------------------------

    def _clause(self, clause: Clause, field_name: str) -> tantivy.Query:
        first = clause.tokens[0].folded
        if clause.fuzzy and field_name == "text":
            # The word scores (BM25); a word one edit away only matches (score 0), so a
            # typo-free match always ranks above a tolerated typo.
            fuzzy = tantivy.Query.fuzzy_term_query(self.schema, field_name, first, distance=1)
            word = tantivy.Query.term_query(self.schema, field_name, first)
            subs: Subs = [(_SHOULD, word), (_SHOULD, tantivy.Query.const_score_query(fuzzy, 0.0))]
            return tantivy.Query.boolean_query(subs)
        if clause.prefix:
            return tantivy.Query.regex_query(self.schema, field_name, f"{first}.*")
        if clause.is_phrase:
            words: list[str | tuple[int, str]] = [t.folded for t in clause.tokens]
            return tantivy.Query.phrase_query(self.schema, field_name, words)
        return tantivy.Query.term_query(self.schema, field_name, first)

    def _boosts(self, parsed: ParsedQuery) -> list[tantivy.Query]:
        titles = [
            tantivy.Query.boost_query(self._clause(c, "title"), TITLE_BOOST)
            for c in parsed.clauses
            if not c.prefix
        ]
        exact = [
            tantivy.Query.const_score_query(self._term("exact", t.exact), EXACT_SCORE)
            for t in parsed.exact_tokens
        ]
        return titles + exact

    def _all_exact(self, parsed: ParsedQuery) -> tantivy.Query:
        subs: Subs = [(_MUST, self._term("exact", t.exact)) for t in parsed.exact_tokens]
        return tantivy.Query.const_score_query(tantivy.Query.boolean_query(subs), 0.0)

    def _term(self, field_name: str, value: str | int) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field_name, value, "basic")

    def _in(self, name: str, values: frozenset[int] | frozenset[str]) -> tantivy.Query:
        vals: list[str | int] = sorted(values, key=str)
        if len(vals) == 1:
            return self._term(name, vals[0])
        return tantivy.Query.term_set_query(self.schema, name, vals)

    def _restrictions(
        self, filters: SearchFilters, vis: Visibility
    ) -> tuple[list[tantivy.Query], list[int]]:
        """Filters and visibility as score-less clauses, and an upper bound of their hits.

        The selective ones (under half the index) also shape the recency windows.
        """
        out: list[tuple[tantivy.Query, int]] = [
            (self._in(name, values), self._set_df(name, values))
            for name, values in _filter_fields(filters)
        ]
        shared = _shared_units(vis)
        if shared is not None:
            # Hoisted out of the OR so the intersection is led by the small unit posting list.
            out.append((self._in("unit_id", shared), self._set_df("unit_id", shared)))
        visibility = self._visibility(vis, shared)
        if visibility is not None:
            out.append((visibility, sum(self._grant_df(g) for g in vis.grants)))
        total = int(self.searcher.num_docs)
        self._selective = [q for q, est in out if est <= total // 2]
        return [tantivy.Query.const_score_query(q, 0.0) for q, _ in out], [e for _, e in out]

    def _visibility(self, vis: Visibility, shared: frozenset[int] | None) -> tantivy.Query | None:
        """OR of the grants; None when one grant lets everything through.

        "not a draft, or mine" is written as NOT(draft AND NOT mine): a union of grants makes
        tantivy walk every document (30 ms for a teacher), the negation costs nothing.
        """
        grants = [(self._positives(g, shared), g.exclude_states) for g in vis.grants]
        if any(not pos and not excl for pos, excl in grants):
            return None
        pure = [excl for pos, excl in grants if not pos]
        if len(pure) == 1:
            others = [(p, e) for p, e in grants if p]
            hidden: Subs = [(_MUST, self._in("state", pure[0]))]
            hidden += [(_MUST_NOT, self._grant(p, e)) for p, e in others]
            inner = tantivy.Query.boolean_query(hidden)
            return tantivy.Query.boolean_query(
                [(_MUST, tantivy.Query.all_query()), (_MUST_NOT, inner)]
            )
        return tantivy.Query.boolean_query([(_SHOULD, self._grant(p, e)) for p, e in grants])

    def _positives(self, grant: Grant, shared: frozenset[int] | None) -> list[tantivy.Query]:
        out = []
        if grant.unit_ids is not None and grant.unit_ids != shared:
            out.append(self._in("unit_id", grant.unit_ids))
        if grant.owner_id is not None:
            out.append(self._term("owner_id", grant.owner_id))
        if grant.school_year is not None:
            out.append(self._term("school_year", grant.school_year))
        return out

    def _grant(self, positives: list[tantivy.Query], exclude: frozenset[str]) -> tantivy.Query:
        subs: Subs = [(_MUST, q) for q in positives] or [(_MUST, tantivy.Query.all_query())]
        if exclude:
            subs.append((_MUST_NOT, self._in("state", exclude)))
        return tantivy.Query.boolean_query(subs)

    # --- estimates (upper bounds of hit counts, from document frequencies) ----------------

    def _estimate(self, bounds: list[int]) -> int:
        """Hits to expect from clauses with these upper bounds, for choosing a plan.

        The smallest bound leads tantivy's intersection, so a full pass costs about that
        many steps; when it is moderate, independent clauses shrink the hits well below it.
        """
        total = max(int(self.searcher.num_docs), 1)
        smallest = min([total, *bounds])
        if smallest <= FULL_LIMIT or smallest > LEADER_LIMIT:
            return smallest
        independent = float(total)
        for bound in bounds:
            independent *= bound / total
        return max(int(independent), min(smallest, FULL_LIMIT))

    def _df(self, field_name: str, value: str | int) -> int:
        return int(self.searcher.doc_freq(field_name, value))

    def _set_df(self, field_name: str, values: frozenset[int] | frozenset[str]) -> int:
        return sum(self._df(field_name, v) for v in values)

    def _grant_df(self, grant: Grant) -> int:
        estimate = int(self.searcher.num_docs)
        if grant.unit_ids is not None:
            estimate = min(estimate, self._set_df("unit_id", grant.unit_ids))
        if grant.owner_id is not None:
            estimate = min(estimate, self._df("owner_id", grant.owner_id))
        if grant.school_year is not None:
            estimate = min(estimate, self._df("school_year", grant.school_year))
        return estimate

    def _exact_clause_df(self, clause: Clause) -> int:
        marked = [self._df("exact", t.exact) for t in clause.tokens if t.marked]
        return min([self._clause_df(clause), *marked])

    def _clause_df(self, clause: Clause) -> int:
        first = clause.tokens[0].folded
        if clause.prefix:
            return sum(int(df) for _, df in self.searcher.terms_with_prefix("text", first))
        return min(self._df("text", t.folded) for t in clause.tokens)


def _filter_fields(filters: SearchFilters) -> Iterator[tuple[str, Any]]:
    for name, values in (
        ("record_type", filters.record_types),
        ("unit_id", filters.unit_ids),
        ("school_year", filters.school_years),
        ("state", filters.states),
        ("owner_id", filters.owner_ids),
    ):
        if values is not None:
            yield name, values


def _shared_units(vis: Visibility) -> frozenset[int] | None:
    units = {g.unit_ids for g in vis.grants}
    return next(iter(units)) if len(units) == 1 else None


def _boosted(subs: Subs, boosts: list[tantivy.Query]) -> tantivy.Query:
    """Add each boost as the one optional clause of its own level.

    Two or more optional clauses make tantivy union them over every document (65 ms for a
    teacher's "học sinh"); one optional clause per level is merely looked up (0.6 ms).
    """
    query = tantivy.Query.boolean_query(subs)
    for boost in boosts:
        query = tantivy.Query.boolean_query([(_MUST, query), (_SHOULD, boost)])
    return query
