"""The WHERE and ORDER BY of the PostgreSQL search backend: filters and the policy's visibility
as SQL, written so that only the index the chosen plan wants stays usable to the planner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psycopg import sql

from hoso.search.engine import Grant, SearchFilters, SearchQuery, Visibility


def where_sql(
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
    for column, values in filter_columns(filters, vis):
        if column == lead:
            # A range, not "=": PostgreSQL would drop a constant column from the ORDER BY and
            # walk the plain recency index instead of (lead, updated_at).
            conds.append(sql.SQL("{0} >= %s AND {0} <= %s").format(sql.Identifier(column)))
            params.extend([next(iter(values))] * 2)
            continue
        conds.append(_in_sql(column, values))
        params.append(sorted(values, key=str) if len(values) > 1 else next(iter(values)))
    grant_sql, grant_params = _grants(vis)
    if grant_sql is not None:
        conds.append(grant_sql)
        params.extend(grant_params)
    return sql.SQL(" AND ").join(conds or [sql.SQL("TRUE")]), params


def recency_sql(mode: str, lead: str | None) -> sql.Composable:
    if mode == "gin":
        return sql.SQL("updated_at + interval '0 s'")
    if lead is None:
        return sql.SQL("updated_at")
    return sql.SQL("{}, updated_at").format(sql.Identifier(lead))


def lead_column(query: SearchQuery) -> str | None:
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


def _in_sql(column: str, values: frozenset[Any]) -> sql.Composable:
    hide = "({} + 0)" if column in ("unit_id", "owner_id") else "({} || '')"
    target = sql.SQL(hide).format(sql.Identifier(column))
    form = "{} = %s" if len(values) == 1 else "{} = ANY(%s)"
    return sql.SQL(form).format(target)


def filter_columns(filters: SearchFilters, vis: Visibility) -> Iterator[tuple[str, Any]]:
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
    if grant.school_year is not None:
        conds.append(sql.SQL("school_year = %s"))
        params.append(grant.school_year)
    if grant.exclude_states:
        conds.append(sql.SQL("state <> ALL(%s)"))
        params.append(sorted(grant.exclude_states))
    return sql.SQL("({})").format(sql.SQL(" AND ").join(conds or [sql.SQL("TRUE")])), params


def _unrestricted(grant: Grant) -> bool:
    return (
        grant.unit_ids is None
        and grant.owner_id is None
        and grant.school_year is None
        and not grant.exclude_states
    )
