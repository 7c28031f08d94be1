"""The records search page and API: the person's search as parameters, one page of hits with
the count, the filters' choices and their translation into the index's terms, highlighted
titles and snippets. Every read is scoped to the person (records_visible_to, the policy's
record.view scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from hoso.org.models import Unit, UnitKind
from hoso.policy.grants import grants_for
from hoso.records.models import Record, RecordVersion
from hoso.records.policies import record_view_schools_q
from hoso.records.selectors import records_visible_to, version_text
from hoso.search.engine import SearchFilters

SEARCH_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class SearchParams:
    """What the person asked for; ids come from the request and are checked, never trusted."""

    q: str = ""
    school_id: int | None = None
    record_type: str = ""
    school_year: str = ""
    state: str = ""
    owner_id: int | None = None
    #: One unit exactly (the API's ``unit``); the index's visibility still decides.
    unit_id: int | None = None
    newest_first: bool = False
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(
            self.school_id or self.record_type or self.school_year or self.state or self.owner_id
        )


@dataclass(frozen=True, slots=True)
class SearchHit:
    record: Record
    #: HTML: escaped, matched words in <mark>.
    title_html: str
    snippet_html: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    total_is_lower_bound: bool
    page: int
    pages: int
    #: Something was typed but no word is left to look up: nothing is searched.
    no_terms: bool = False

    @property
    def records(self) -> list[Record]:
        return [h.record for h in self.hits]


def search_schools(user: Any) -> QuerySet[Unit]:
    """The schools (or Phòng, Sở) whose records the person may reach: the school filter's
    choices, and the only values it accepts (records.policies.record_view_schools_q)."""
    offices_and_schools = (UnitKind.SO, UnitKind.PHONG, UnitKind.TRUONG)
    reachable = record_view_schools_q(grants_for(user), user)
    return Unit.objects.filter(reachable, kind__in=offices_and_schools).order_by("name")


def search_owners(
    user: Any, school_id: int | None = None, limit: int = 300
) -> QuerySet[Any] | None:
    """People whose records the person may see in one school (the owner filter's choices):
    the chosen school, or the person's only one. None for someone who reaches many schools
    and has not chosen one: a province's 30,000 authors are no list to choose from."""
    User = get_user_model()
    if school_id is None:
        only = list(search_schools(user).values_list("pk", flat=True)[:2])
        if len(only) != 1:
            return None
        school_id = only[0]
    theirs = records_visible_to(user).filter(owner_id=OuterRef("pk"), school_id=school_id)
    return User.objects.filter(Exists(theirs)).order_by("last_name", "first_name", "pk")[:limit]


def search_filters(user: Any, params: SearchParams) -> SearchFilters:
    """The chosen facets in the index's terms. A school the person may not see becomes an
    empty set (nothing found), never a wider search."""
    units: frozenset[int] | None = None
    if params.school_id is not None:
        allowed = search_schools(user).filter(pk=params.school_id).exists()
        units = (
            frozenset(
                Unit.objects.filter(
                    Q(pk=params.school_id) | Q(school_id=params.school_id)
                ).values_list("pk", flat=True)
            )
            if allowed
            else frozenset()
        )
    if params.unit_id is not None:
        units = (
            frozenset({params.unit_id}) & units
            if units is not None
            else frozenset({params.unit_id})
        )
    return SearchFilters(
        record_types=frozenset({params.record_type}) if params.record_type else None,
        unit_ids=units,
        school_years=frozenset({params.school_year}) if params.school_year else None,
        states=frozenset({params.state}) if params.state else None,
        owner_ids=frozenset({params.owner_id}) if params.owner_id is not None else None,
    )


def search_page(
    user: Any, params: SearchParams, *, per_page: int = SEARCH_PAGE_SIZE, snippets: bool = True
) -> SearchPage:
    """One page of the records matching ``params`` that the person may see, best match first
    (or newest first), with the count of all of them. ``snippets`` reads each hit's text for
    a highlighted excerpt (the page shows one; the API does not)."""
    from hoso.records.search_index import search_result
    from hoso.search.engine import has_terms
    from hoso.search.highlight import Matcher, highlight, snippet

    if params.q.strip() and not has_terms(params.q):
        return SearchPage([], 0, False, 1, 0, no_terms=True)
    page = max(1, params.page)
    result = search_result(
        user,
        params.q,
        filters=search_filters(user, params),
        limit=per_page,
        offset=(page - 1) * per_page,
        newest_first=params.newest_first,
    )
    found = records_visible_to(user).in_bulk(result.ids)
    records = [found[i] for i in result.ids if i in found]
    matcher = Matcher(params.q)
    texts = _latest_texts(records) if snippets and matcher else {}
    hits = [
        SearchHit(
            record=r,
            title_html=highlight(r.title, matcher),
            snippet_html=highlight(snippet(texts.get(r.pk, ""), matcher), matcher),
        )
        for r in records
    ]
    pages = -(-result.total // per_page) if per_page else 0
    return SearchPage(hits, result.total, result.total_is_lower_bound, page, pages)


def _latest_texts(records: list[Record]) -> dict[int, str]:
    latest = {
        v.record_id: v for v in RecordVersion.objects.filter(record__in=records).order_by("number")
    }
    return {record_id: version_text(v) for record_id, v in latest.items()}
