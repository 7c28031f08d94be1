"""Reads of the signing-chain pages (who sets chains where, the types a unit sees, a type's
chain and its history): the records selectors' chain part, kept apart for its size."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hoso.org.models import Unit
from hoso.policy import can
from hoso.policy.grants import grants_for
from hoso.records import editions
from hoso.records.models import Keeper, RecordType
from hoso.records.selectors import named_people
from hoso.records.selectors_applies import type_applies


def chain_units(user: Any) -> list[Unit]:
    """Units whose signing chains `user` sets (the Sở, a Phòng, a school), top first."""
    from hoso.records.chains import SETTING_KINDS

    grants = grants_for(user)
    if grants.is_admin:
        candidates = Unit.objects.filter(kind="SO", is_active=True)
    else:
        ids = {grant.unit_id for grant in grants.items}
        candidates = Unit.objects.filter(pk__in=ids, kind__in=SETTING_KINDS, is_active=True)
    return [u for u in candidates.order_by("path") if can(user, "records.chain.set", u)]


def chain_unit(user: Any, unit_id: Any) -> Unit | None:
    """The unit `user` sets chains for, by id; None (answered as missing) otherwise."""
    from hoso.records.chains import SETTING_KINDS

    if not str(unit_id).isdigit():
        return None
    unit = Unit.objects.filter(pk=int(unit_id), kind__in=SETTING_KINDS, is_active=True).first()
    return unit if unit is not None and can(user, "records.chain.set", unit) else None


def chain_types(unit: Unit) -> list[RecordType]:
    """Record types whose chain `unit` may see set for the units it covers."""
    types = RecordType.objects.filter(is_active=True).order_by("keeper", "code")
    if unit.kind == "TRUONG":
        return editions.in_force(types, unit, timezone.localdate(), type_applies)
    ancestors = set(unit.ancestor_ids())
    return [
        t
        for t in types
        if (t.owner_unit_id is None or t.owner_unit_id in ancestors)
        and (t.keeper != Keeper.OFFICE or not t.levels or _office_level_below(t.levels, unit))
    ]


def _office_level_below(levels: list[str], unit: Unit) -> bool:
    return unit.kind in levels or (unit.kind == "SO" and "PHONG" in levels)


def chain_rows(unit: Unit) -> list[dict[str, Any]]:
    from hoso.records import chains

    rows = []
    for record_type, resolved, may_set in chains.overview(chain_types(unit), unit):
        source = resolved.source
        rows.append(
            {
                "type": record_type,
                "words": chains.describe(resolved.chain, named_people(resolved.chain)),
                "signs": chains.signs(resolved.chain),
                "source": source.unit.name if source else "",
                "own": source is not None and source.unit_id == unit.pk,
                "may_set": may_set,
            }
        )
    return rows


def chain_history(unit: Unit, record_type: RecordType) -> list[Any]:
    from hoso.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            action__startswith="records.chain.",
            object_type="records.recordtype",
            object_id=str(record_type.pk),
            unit_id=unit.pk,
        ).order_by("-seq")[:20]
    )
