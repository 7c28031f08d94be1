"""Keeper providers: who keeps a record type whose keeper the org tree does not know.

The records app knows teachers, group leaders and principals from role assignments; other
apps know other keepers (the grading app knows each class's giáo viên chủ nhiệm). They
register a provider here from their AppConfig.ready(), so records never imports them and
deadline generation still finds every person who owes a record."""

from __future__ import annotations

from collections.abc import Callable

from hoso.core.scheduling import later
from hoso.org.models import SchoolYear, Unit

# (school, year) -> [(unit id, owner user id)], e.g. [(class 1A, its GVCN), …]
KeeperProvider = Callable[[Unit, SchoolYear], list[tuple[int, int | None]]]

_PROVIDERS: dict[str, KeeperProvider] = {}


def register_keeper_provider(keeper: str, provider: KeeperProvider) -> None:
    """Register (or replace: ready() may run twice in tests) the provider of `keeper`."""
    _PROVIDERS[keeper] = provider


def keeper_changed_later(
    *, unit_id: int, school_year_id: int, keeper: str, owner_id: int | None
) -> None:
    """Called by the service that changes a unit's keeper (the GVCN of a class), inside its
    transaction: after commit, the unit's open due items follow the new keeper (or are
    released when `owner_id` is None) and the missing ones are made."""
    from hoso.records.tasks import keeper_changed

    later(keeper_changed, unit_id, school_year_id, keeper, owner_id)


def provided_owners(keeper: str, school: Unit, year: SchoolYear) -> list[tuple[int, int | None]]:
    """The (unit, owner) pairs the registered provider gives; none without a provider."""
    provider = _PROVIDERS.get(keeper)
    return provider(school, year) if provider is not None else []
