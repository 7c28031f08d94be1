"""What the PostgreSQL backend puts in a tsvector and asks in a tsquery, as literals.

Besides every word (folded, plus the exact form of marked words, at its position) a row holds
lexemes that let the GIN index answer a whole search without reading the table:

* word pairs (``'ke hoach'``, no position): a phrase or multi-syllable word becomes a
  selective index term instead of a recheck of every row holding its common syllables;
* facets (``'~t:so_diem'``, ``'~u:12'``, ``'~y:2025-2026'``, ``'~s:issued'``, ``'~o:7'``,
  and ``'~a:4'`` for every unit on the path from the root to the document's unit): filters
  and the policy's visibility become part of the index lookup — a Phòng's hundreds of units
  are the one term ``'~a:<phòng>'``;
* time buckets (``'~w0:2930'`` a week, ``'~w1:366'`` 8 weeks, ``'~w2:45'`` 64 weeks): a
  search can ask the index for the matches of the newest bucket first and read only the rows
  there (docs/decisions/0003-search.md).

A word never contains a space, ``~`` or ``:``, so these lexemes cannot collide with words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from hoso.search.engine import (
    FUZZY_MIN_CHARS,
    Clause,
    Grant,
    SearchDocument,
    SearchFilters,
    Visibility,
)
from hoso.search.folding import fold_words, split_words

#: tsvector limits: positions above 16,383 are clamped; keep the vector well under 1 MB.
MAX_POSITION = 16_383
MAX_WORDS = 60_000
MAX_PAIRS = 20_000
#: A filter set larger than this is checked on the row only: GIN reads every entry of an OR
#: group in full (30 units: +60 ms at 1M rows), so only small sets narrow the lookup.
MAX_SET_LEXEMES = 4
WEEK_SECONDS = 7 * 86_400
#: Bucket sizes in weeks, smallest first; each is a multiple of the previous one.
BUCKET_WEEKS = (1, 8, 64)


def lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def week_number(moment: datetime) -> int:
    return int(moment.timestamp()) // WEEK_SECONDS


def facet(kind: str, value: object) -> str:
    return f"~{kind}:{value}"


def tsvector_literal(doc: SearchDocument) -> str:
    """Title words weigh A, metadata B, body D; marked words also go in with accents."""
    parts: list[str] = []
    position = 0
    folded_all: list[str] = []
    for text, weight in ((doc.title, "A"), (doc.metadata, "B"), (doc.body, "")):
        exact = split_words(text)[:MAX_WORDS]
        folded = fold_words(exact)
        folded_all.extend(folded)
        for word, plain in zip(exact, folded, strict=True):
            position = min(position + 1, MAX_POSITION)
            parts.append(f"{lexeme(plain)}:{position}{weight}")
            if word != plain:
                parts.append(f"{lexeme(word)}:{position}{weight}")
    pairs = dict.fromkeys(f"{a} {b}" for a, b in zip(folded_all, folded_all[1:], strict=False))
    parts.extend(lexeme(p) for p in list(pairs)[:MAX_PAIRS])
    parts.extend(lexeme(f) for f in doc_facets(doc))
    return " ".join(parts)


def doc_words(doc: SearchDocument) -> set[str]:
    """The folded words a typo of a long word can stand for (one letter shorter at least):
    the vocabulary a fuzzy clause is expanded against."""
    words = split_words(f"{doc.title}\n{doc.metadata}\n{doc.body}")[:MAX_WORDS]
    return {w for w in fold_words(words) if len(w) >= FUZZY_MIN_CHARS - 1}


def doc_facets(doc: SearchDocument) -> list[str]:
    week = week_number(doc.updated_at)
    return [
        facet("t", doc.record_type),
        facet("u", doc.unit_id),
        facet("y", doc.school_year),
        facet("s", doc.state),
        facet("o", doc.owner_id),
        *(facet("a", unit) for unit in doc.unit_path),
        *(facet(f"w{level}", week // size) for level, size in enumerate(BUCKET_WEEKS)),
    ]


# --- tsquery ------------------------------------------------------------------------------


def tsquery_literal(clauses: Iterable[Clause], *, pairs: bool = False) -> str:
    """AND of clauses; a phrase is ``<->``-joined; a prefix is ``:*``.

    ``pairs`` also requires each phrase's word pairs, which the GIN index answers exactly
    (the ``<->`` check on the row then only confirms).
    """
    out = []
    for clause in clauses:
        words = [t.folded for t in clause.tokens]
        if clause.alternatives:
            out.append(any_of([words[0], *clause.alternatives]))
        elif clause.prefix:
            out.append(f"{lexeme(words[0])}:*")
        elif len(words) > 1:
            out.append("(" + " <-> ".join(map(lexeme, words)) + ")")
            if pairs:
                out.extend(map(lexeme, phrase_pairs(clause)))
        else:
            out.append(lexeme(words[0]))
    return " & ".join(out)


def phrase_pairs(clause: Clause) -> list[str]:
    words = [t.folded for t in clause.tokens]
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def any_of(words: Iterable[str]) -> str:
    """``('a' | 'b')``: any of these words (or facets)."""
    return "(" + " | ".join(map(lexeme, words)) + ")"


def _any_of(kind: str, values: Iterable[object]) -> str | None:
    items = sorted({str(v) for v in values})
    if not items or len(items) > MAX_SET_LEXEMES:
        return None
    return any_of(facet(kind, v) for v in items)


def filters_tsquery(filters: SearchFilters) -> list[str]:
    """One OR-group per chosen facet (sets too large to spell out are left to the row)."""
    groups = (
        _any_of(kind, values)
        for kind, values in (
            ("t", filters.record_types),
            ("u", filters.unit_ids),
            ("y", filters.school_years),
            ("s", filters.states),
            ("o", filters.owner_ids),
        )
        if values is not None
    )
    return [g for g in groups if g is not None]


def visibility_tsquery(vis: Visibility) -> str | None:
    """The grants as a tsquery, or None when they cannot narrow the lookup.

    A grant whose unit set is too large to spell out keeps its other conditions: the lexemes
    only narrow what the index returns, the row conditions in SQL stay the rule.
    """
    parts = [_grant_tsquery(g) for g in vis.grants]
    if not parts or any(p is None for p in parts):
        return None
    return "(" + " | ".join(p for p in parts if p is not None) + ")"


def _grant_tsquery(grant: Grant) -> str | None:
    conds = []
    if grant.unit_ids is not None and (units := _units_tsquery(grant.unit_ids, grant)) is not None:
        conds.append(units)
    if grant.owner_id is not None:
        conds.append(lexeme(facet("o", grant.owner_id)))
    if grant.school_year is not None:
        conds.append(lexeme(facet("y", grant.school_year)))
    conds.extend(f"!{lexeme(facet('s', s))}" for s in sorted(grant.exclude_states))
    return "(" + " & ".join(conds) + ")" if conds else None


def _units_tsquery(unit_ids: frozenset[int], grant: Grant) -> str | None:
    """The grant's units as the fewest lexemes: the units themselves when they are few, else
    the subtrees they lie within (``'~a:'``) when those are few."""
    if len(unit_ids) > MAX_SET_LEXEMES and grant.within is not None:
        return _any_of("a", grant.within)
    return _any_of("u", unit_ids)
