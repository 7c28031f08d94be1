"""Reads for the page and API of record types an office defines for the schools below it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from hoso.org.models import Unit, UnitKind
from hoso.policy import can
from hoso.policy.grants import grants_for
from hoso.records.models import Keeper, RecordType, TypeDelegation
from hoso.records.policies import CHAIN_SETTERS

OFFICE_KINDS = (UnitKind.SO, UnitKind.PHONG)


def office_units(user: Any) -> list[Unit]:
    """The Sở and Phòng whose record types `user` looks after (whether or not a Phòng may
    change them yet), top first."""
    grants = grants_for(user)
    if grants.is_admin:
        return list(Unit.objects.filter(kind=UnitKind.SO, is_active=True).order_by("path"))
    ids = {
        g.unit_id
        for g in grants.items
        if g.role in CHAIN_SETTERS[UnitKind.SO] | CHAIN_SETTERS[UnitKind.PHONG]
    }
    units = Unit.objects.filter(pk__in=ids, kind__in=OFFICE_KINDS, is_active=True)
    return list(units.order_by("path"))


def office_unit(user: Any, unit_id: Any) -> Unit | None:
    """One of `office_units(user)` by id (the first without one); None otherwise."""
    units = office_units(user)
    if unit_id in (None, ""):
        return units[0] if units else None
    return next((u for u in units if str(u.pk) == str(unit_id)), None)


def defining_units(user: Any) -> list[Unit]:
    """The offices where `user` may add and adapt types now."""
    return [u for u in office_units(user) if can(user, "records.type.define", u)]


def phong_allowed(so: Unit) -> bool:
    return TypeDelegation.objects.filter(unit=so, allow_phong=True).exists()


@dataclass(frozen=True)
class TypeRow:
    record_type: RecordType
    state: str  # "in_force", "from" (starts later), "until" (retires later), "replaced", "retired"
    replaced_by: RecordType | None


def office_type_rows(unit: Unit) -> list[TypeRow]:
    """The school types that concern the office's units: the catalogue's and those defined or
    adapted by the office or the offices above it (retired ones too, for the history), each
    with its state today."""
    today = timezone.localdate()
    above = unit.ancestor_ids()
    types = (
        RecordType.objects.exclude(keeper=Keeper.OFFICE)
        .filter(Q(owner_unit__isnull=True, is_active=True) | Q(owner_unit_id__in=above))
        .select_related("owner_unit", "adapts")
        .order_by("code")
    )
    rows = list(types)
    depth = {unit_id: index for index, unit_id in enumerate(above)}
    successors: dict[int, list[RecordType]] = {}
    for row in rows:
        if row.adapts_id is not None and row.is_active:
            successors.setdefault(row.adapts_id, []).append(row)
    found = []
    for row in rows:
        after = [
            t
            for t in successors.get(row.pk, [])
            if t.effective_from is not None and t.effective_from <= today
        ]
        winner = max(after, key=lambda t: depth.get(t.owner_unit_id or 0, -1), default=None)
        if not row.is_active or (row.retired_from is not None and row.retired_from <= today):
            state = "retired"
        elif winner is not None:
            state = "replaced"
        elif row.effective_from is not None and row.effective_from > today:
            state = "from"
        elif row.retired_from is not None:
            state = "until"
        else:
            state = "in_force"
        found.append(TypeRow(row, state, winner))
    return found


def type_history(record_type: RecordType) -> list[Any]:
    """Audit entries of the type and of the rows of its line (what it adapts, what adapts it)."""
    from hoso.audit.models import AuditEntry

    ids = {record_type.pk}
    if record_type.adapts_id:
        ids.add(record_type.adapts_id)
    ids |= set(record_type.adaptations.values_list("pk", flat=True))
    return list(
        AuditEntry.objects.filter(
            action__startswith="records.type.",
            object_type="records.recordtype",
            object_id__in=[str(i) for i in ids],
        ).order_by("-seq")[:30]
    )
