"""The search interface: documents, queries, visibility, results and the backend protocol.

Plain Python, no Django: the records app turns a record version into a ``SearchDocument``
and the policy turns a user into a ``Visibility``; a backend does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from hoso.search.folding import Token, tokenize

#: Record states that only their owner may see (besides explicit grants).
DEFAULT_PRIVATE_STATES: frozenset[str] = frozenset({"draft"})


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One indexed record version. ``id`` is the record version's primary key."""

    id: int
    title: str
    body: str
    metadata: str
    record_type: str
    unit_id: int
    school_year: str
    state: str
    owner_id: int
    updated_at: datetime
    #: The ids of the unit's ancestors and of the unit itself, root first (Sở, Phòng, school,
    #: group…): lets an index narrow a Phòng's search to one term (see ``Grant.within``).
    unit_path: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Grant:
    """One way to see a document; every given condition must hold (None = no condition).

    ``within`` is a hint, never the rule: every unit of ``unit_ids`` lies in the subtree of one
    of these units. An index may look up "documents under these units" first (one term for a
    Phòng instead of its 800 units); ``unit_ids`` is still checked on every document.

    ``school_year`` is a year's name as indexed ("2025-2026"): a GVCN reads their class's
    documents of the years they keep it only.
    """

    unit_ids: frozenset[int] | None = None
    owner_id: int | None = None
    exclude_states: frozenset[str] = frozenset()
    within: frozenset[int] | None = None
    school_year: str | None = None


@dataclass(frozen=True, slots=True)
class Visibility:
    """What the caller may see: a document is visible when any grant matches it.

    Built by the policy, never by a view. ``Visibility.everything()`` is for system jobs only.
    """

    grants: tuple[Grant, ...]

    @classmethod
    def for_units(
        cls,
        allowed_unit_ids: Iterable[int] | None,
        viewer_id: int | None,
        private_states: frozenset[str] = DEFAULT_PRIVATE_STATES,
        within: Iterable[int] | None = None,
    ) -> Visibility:
        """Units' documents except other people's drafts, plus the viewer's own documents.

        ``allowed_unit_ids=None`` means every unit (e.g. a Sở inspector of the province);
        ``within``: the units whose subtrees hold them all (a hint, see ``Grant``).
        """
        units = None if allowed_unit_ids is None else frozenset(allowed_unit_ids)
        roots = None if within is None else frozenset(within)
        grants = [Grant(unit_ids=units, exclude_states=private_states, within=roots)]
        if viewer_id is not None:
            grants.append(Grant(unit_ids=units, owner_id=viewer_id, within=roots))
        return cls(tuple(grants))

    @classmethod
    def everything(cls) -> Visibility:
        return cls((Grant(),))

    @classmethod
    def nothing(cls) -> Visibility:
        return cls(())


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Facets the person chose; each is a set of accepted values, None = any."""

    record_types: frozenset[str] | None = None
    unit_ids: frozenset[int] | None = None
    school_years: frozenset[str] | None = None
    states: frozenset[str] | None = None
    owner_ids: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Free text (words AND-ed; "quoted phrase"; trailing * for a prefix) plus restrictions."""

    text: str
    visibility: Visibility
    filters: SearchFilters = field(default_factory=SearchFilters)
    limit: int = 20
    offset: int = 0
    #: "Mới nhất": newest first instead of best match first (exact-accent tiers ignored).
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ids best first. ``total`` is exact unless ``total_is_lower_bound`` ("≥ total")."""

    ids: list[int]
    total: int
    total_is_lower_bound: bool
    took_ms: float


@runtime_checkable
class SearchBackend(Protocol):
    """What every backend offers. ``index`` inserts or replaces documents by id."""

    def index(self, docs: Iterable[SearchDocument]) -> int: ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def clear(self) -> None: ...

    def warm(self) -> int:
        """Read the index into the OS cache (after a restart); returns what was read."""
        ...


# --- query parsing shared by the backends -------------------------------------------------

_PART_RE = re.compile(r'"([^"]*)"?|(\S+)')
#: Words of at least this many letters (folded) tolerate one typo.
FUZZY_MIN_CHARS = 5
_FOLDED_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class Clause:
    """A required part of the query: one word, a phrase (several words) or a prefix."""

    tokens: tuple[Token, ...]
    prefix: bool = False
    #: Folded words found in the index one edit away from the word (filled by a backend
    #: that expands typos itself, see ``Clause.fuzzy``); the word itself is always accepted.
    alternatives: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1

    @property
    def fuzzy(self) -> bool:
        """One typo is tolerated in a single word of ``FUZZY_MIN_CHARS`` letters or more."""
        return (
            not self.prefix
            and len(self.tokens) == 1
            and len(self.tokens[0].folded) >= FUZZY_MIN_CHARS
        )


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]
    #: Marked words typed by the person; documents with them in exactly that form rank first.
    exact_tokens: tuple[Token, ...]
    #: The person typed something (not only spaces).
    typed: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def unusable(self) -> bool:
        """Something was typed but no word is left (only punctuation): finds nothing, never
        everything."""
        return self.typed and not self.clauses


def has_terms(text: str) -> bool:
    """True when ``text`` holds at least one word the index knows how to look up."""
    return not parse_query(text).is_empty


def parse_query(text: str) -> ParsedQuery:
    """Split the text into AND-ed clauses, using the same tokenizer as indexing."""
    clauses: list[Clause] = []
    for phrase, word in _PART_RE.findall(text):
        clauses.extend(_phrase_clause(phrase) if phrase else _word_clauses(word))
    exact = {t.exact: t for c in clauses for t in c.tokens if t.marked}
    return ParsedQuery(tuple(clauses), tuple(exact.values()), typed=bool(text.strip()))


def edits1(word: str) -> set[str]:
    """Every word one edit away (delete, swap of neighbours, replace, insert): the
    Damerau-Levenshtein distance 1 that tantivy's fuzzy term query also uses. Letters come
    from the folded alphabet plus the word's own."""
    letters = sorted(set(_FOLDED_ALPHABET) | set(word))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return out


def _phrase_clause(phrase: str) -> list[Clause]:
    tokens = tokenize(phrase)
    return [Clause(tuple(tokens))] if tokens else []


def _word_clauses(word: str) -> list[Clause]:
    # "2025-2026" is two words in the index, so it becomes a phrase here.
    tokens = tokenize(word)
    if not tokens:
        return []
    prefix = word.endswith("*") and len(tokens) == 1 and len(tokens[0].folded) >= 2
    return [Clause(tuple(tokens), prefix=prefix)]


def visible_sets_empty(visibility: Visibility, filters: SearchFilters) -> bool:
    """True when nothing can match, so a backend can answer without touching the index."""
    if not visibility.grants:
        return True
    sets: list[frozenset[int] | frozenset[str] | None] = [
        filters.record_types,
        filters.unit_ids,
        filters.school_years,
        filters.states,
        filters.owner_ids,
    ]
    return any(s is not None and not s for s in sets)


def clamp_page(query: SearchQuery, max_window: int = 1000) -> tuple[int, int]:
    """(limit, offset) bounded so deep paging cannot turn into a full sort."""
    limit = max(0, min(query.limit, 100))
    offset = max(0, min(query.offset, max_window - limit))
    return limit, offset


def week_bucket(moment: datetime) -> str:
    """ISO year and week, sortable as text: "202647". Both backends window by it."""
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year:04d}{week:02d}"
