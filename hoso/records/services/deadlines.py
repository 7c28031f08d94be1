"""Due items: generated from the catalogue for everyone who owes a record in the school year,
handed over when a unit's keeper changes, marked when the record is first submitted, extended
by a leader (reminders: `services.reminders`; statuses: `hoso.records.selectors.DueStatus`)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import Role, RoleAssignment, SchoolYear, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records import editions
from hoso.records.keepers import provided_owners
from hoso.records.models import DueItem, Keeper, Record, RecordType
from hoso.records.periods import YEAR_KEY, period_label, slot_for_day, slots_for
from hoso.records.selectors import next_due_period_key
from hoso.records.selectors_applies import type_applies
from hoso.records.services.summary import due_summary_touch

BATCH = 5000


# --- periods for uploads ---------------------------------------------------------------------


def resolve_period(
    record_type: RecordType, year: SchoolYear, key: str, *, owner: Any, unit: Unit | None = None
) -> str:
    """The period an upload is for: the one given (checked), else the owner's earliest open due
    item of the type (of that class, for a homeroom book), else the period containing today."""
    slots = slots_for(record_type.period, record_type.due_rule, year)
    if key:
        if key not in {slot.key for slot in slots}:
            message = _(
                "Kỳ “%(key)s” không có trong năm học %(year)s của loại hồ sơ “%(type)s”. Hãy chọn "
                "kỳ trong danh sách."
            ) % {"key": key[:20], "year": year.name, "type": record_type.name}
            raise DomainError(message, fields={"period": [_("Hãy chọn kỳ trong danh sách.")]})
        return key
    if len(slots) == 1:
        return slots[0].key
    unit_id = unit.pk if unit is not None else None
    pending_key = next_due_period_key(owner, record_type, year, unit_id)
    if pending_key:
        return pending_key
    return slot_for_day(record_type.period, record_type.due_rule, year, timezone.localdate()).key


def default_title(record_type: RecordType, year: SchoolYear, period_key: str) -> str:
    if period_key in ("", YEAR_KEY):
        return f"{record_type.name} — năm học {year.name}"
    label = period_label(record_type.period, record_type.due_rule, year, period_key)
    return f"{record_type.name} — {label}"


# --- generation ---------------------------------------------------------------------------------


def _owners(school: Unit, year: SchoolYear, keeper: str) -> list[tuple[int, int | None]]:
    """(unit id, owner user id) pairs that owe a record kept by `keeper` at `school`."""
    assignments = RoleAssignment.objects.filter(
        school_year=year, unit__school=school, unit__is_active=True
    ).values_list("role", "unit_id", "user_id", "unit__kind")
    by_role: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for role, unit_id, user_id, kind in assignments.order_by("unit__path", "user_id"):
        by_role[role].append((unit_id, user_id, kind))
    if keeper == Keeper.TEACHER:
        seen: dict[int, int] = {}
        for unit_id, user_id, _ in by_role[Role.GV]:
            seen.setdefault(user_id, unit_id)
        return [(unit_id, user_id) for user_id, unit_id in seen.items()]
    if keeper == Keeper.GROUP:
        leaders = {unit_id: user_id for unit_id, user_id, _ in by_role[Role.TTCM]}
        groups = Unit.objects.filter(school=school, kind=UnitKind.TO, is_active=True)
        return [
            (group_id, leaders.get(group_id)) for group_id in groups.values_list("pk", flat=True)
        ]
    if keeper == Keeper.SCHOOL:
        heads = [user_id for _, user_id, _ in by_role[Role.HT]]
        return [(school.pk, heads[0] if heads else None)]
    # HOMEROOM and any other keeper the org tree does not know: the app that knows says.
    return provided_owners(keeper, school, year)


def due_items_generate(*, school_year: SchoolYear, schools: list[Unit] | None = None) -> int:
    """Create the missing due items of the year; idempotent. Returns how many were created."""
    if schools is None:
        schools = list(Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True))
    created = 0
    rows = list(RecordType.objects.filter(is_active=True))
    for school in schools:
        editions_here = [t for t in rows if type_applies(t, school)]
        pruned = _prune_superseded(school, school_year, rows, editions_here)
        types = [t for t in editions_here if not t.optional]
        made = _generate_for_school(school, school_year, types, rows)
        if made or pruned:
            due_summary_touch([school.pk])
        created += made
    return created


def due_items_generate_below(*, unit_id: int) -> int:
    """The current year's due items of the active schools in `unit`'s subtree (an office's
    new or changed type); idempotent, like the nightly run."""
    year = current_year()
    unit = Unit.objects.filter(pk=unit_id).first()
    if year is None or unit is None:
        return 0
    schools = Unit.objects.filter(
        kind=UnitKind.TRUONG, is_active=True, path__startswith=unit.path
    ).order_by("path")
    return due_items_generate(school_year=year, schools=list(schools))


def _in_force_on(rows: list[RecordType], school: Unit) -> Callable[[dt.datetime], set[int]]:
    """Ids of the rows in force at `school` at a due time (by its day), remembered per day."""
    # Only the dates editions start or stop on matter: days between two share one answer.
    starts = sorted(
        {t.effective_from for t in rows if t.effective_from is not None}
        | {t.retired_from for t in rows if t.retired_from is not None}
    )
    known: dict[int, set[int]] = {}

    def ids(due_at: dt.datetime) -> set[int]:
        day = timezone.localtime(due_at).date()
        key = bisect.bisect_right(starts, day)
        if key not in known:
            known[key] = {t.pk for t in editions.in_force(rows, school, day, type_applies)}
        return known[key]

    return ids


def _prune_superseded(
    school: Unit, year: SchoolYear, rows: list[RecordType], here: list[RecordType]
) -> int:
    """Open future items of a type an office adapted (or of an edition that gave way to a later
    one) go when another edition is in force on their due day; submitted ones stay."""
    touched = editions.line_ids(here)
    if not touched:
        return 0
    in_force = _in_force_on(rows, school)
    items = DueItem.objects.filter(
        school=school,
        school_year=year,
        record_type_id__in=touched,
        submitted_at__isnull=True,
        record__isnull=True,
        due_at__gte=timezone.now(),
    )
    stale = [
        i.pk
        for i in items.only("pk", "record_type_id", "due_at")
        if i.record_type_id not in in_force(i.due_at)
    ]
    if stale:
        DueItem.objects.filter(pk__in=stale).delete()
    return len(stale)


def _generate_for_school(
    school: Unit, year: SchoolYear, types: list[RecordType], rows: list[RecordType]
) -> int:
    in_force = _in_force_on(rows, school)
    existing = set(
        DueItem.objects.filter(school=school, school_year=year).values_list(
            "record_type_id", "unit_id", "owner_id", "period_key"
        )
    )
    # A unit's record (group, school, class) is owed once, whoever keeps it now: a new keeper
    # does not owe again what the previous one already owes or submitted.
    unit_owed = {(t, unit, key) for t, unit, owner, key in existing if owner is not None}
    fresh: list[DueItem] = []
    for record_type in types:
        owners = _owners(school, year, record_type.keeper)
        per_unit = record_type.keeper != Keeper.TEACHER
        for slot in slots_for(record_type.period, record_type.due_rule, year):
            if record_type.pk not in in_force(slot.due_at):
                continue
            for unit_id, owner_id in owners:
                if (record_type.pk, unit_id, owner_id, slot.key) in existing or (
                    per_unit and (record_type.pk, unit_id, slot.key) in unit_owed
                ):
                    continue
                fresh.append(
                    DueItem(
                        record_type=record_type,
                        school_year=year,
                        school=school,
                        unit_id=unit_id,
                        owner_id=owner_id,
                        period_key=slot.key,
                        period_label=slot.label,
                        due_at=slot.due_at,
                        effective_due_at=slot.due_at,
                    )
                )
    DueItem.objects.bulk_create(fresh, batch_size=BATCH)
    return len(fresh)


@transaction.atomic
def due_items_hand_over(
    *, unit_id: int, school_year: SchoolYear, keeper: str, owner_id: int
) -> int:
    """The keeper of a unit changed (a class's new GVCN): its open due items now belong to the
    new keeper; submitted ones stay with whoever submitted them. Returns how many moved."""
    items = DueItem.objects.filter(
        unit_id=unit_id, school_year=school_year, record_type__keeper=keeper
    )
    taken = set(items.filter(owner_id=owner_id).values_list("record_type_id", "period_key"))
    stale = items.filter(submitted_at__isnull=True).exclude(owner_id=owner_id)
    moved = 0
    for item in stale.select_for_update(of=("self",)).order_by("pk"):
        if (item.record_type_id, item.period_key) in taken:
            item.delete()  # the new keeper already owes this one
            continue
        item.owner_id = owner_id
        item.reminded_before_at = item.reminded_on_at = item.reminded_after_at = None
        item.save(
            update_fields=["owner", "reminded_before_at", "reminded_on_at", "reminded_after_at"]
        )
        moved += 1
    due_summary_touch(items.values_list("school_id", flat=True).distinct())
    return moved


def due_items_release(*, unit_id: int, school_year: SchoolYear, keeper: str) -> int:
    """A unit lost its keeper (a class has no GVCN any more): nobody owes its open due items
    until a new keeper is named, so they go (and their reminders with them); submitted ones
    stay as the history of who submitted. Returns how many went."""
    open_items = DueItem.objects.filter(
        unit_id=unit_id,
        school_year=school_year,
        record_type__keeper=keeper,
        submitted_at__isnull=True,
    )
    schools = list(open_items.values_list("school_id", flat=True).distinct())
    released, _ = open_items.delete()
    if released:
        due_summary_touch(schools)
    return released


@transaction.atomic
def due_items_keeper_changed(
    *, unit_id: int, school: Unit, school_year: SchoolYear, keeper: str, owner_id: int | None
) -> None:
    """A unit's keeper changed (a class got a new GVCN, or none): its open items move to the new
    keeper, or are released when there is none; then the school's missing items are made."""
    if owner_id is None:
        due_items_release(unit_id=unit_id, school_year=school_year, keeper=keeper)
    else:
        due_items_hand_over(
            unit_id=unit_id, school_year=school_year, keeper=keeper, owner_id=owner_id
        )
    due_items_generate(school_year=school_year, schools=[school])


# --- submission, extension ----------------------------------------------------------------------


def due_item_mark_submitted(record: Record, at: dt.datetime) -> int:
    """Called inside the submit transaction: the first submission fulfils the due item."""
    items = DueItem.objects.filter(
        record_type_id=record.record_type_id,
        school_year_id=record.school_year_id,
        period_key=record.period_key,
        submitted_at__isnull=True,
    )
    if record.record_type.keeper == Keeper.TEACHER:
        items = items.filter(owner_id=record.owner_id)
    elif record.record_type.keeper == Keeper.HOMEROOM:  # one class's book, by its GVCN
        items = items.filter(owner_id=record.owner_id, unit_id=record.unit_id)
    else:
        items = items.filter(unit_id=record.unit_id)
    due_summary_touch(items.values_list("school_id", flat=True).distinct())
    return items.update(submitted_at=at, record=record)


@transaction.atomic
def due_item_extend(
    *, actor: Any, item_id: int, until: dt.datetime, reason: str, ip: str = ""
) -> DueItem:
    item = DueItem.objects.select_for_update(of=("self",)).select_related("unit").get(pk=item_id)
    if not can(actor, "records.due.extend", item):
        raise NotAllowed(_("Chỉ hiệu trưởng, phó hiệu trưởng của trường được gia hạn."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            _("Hãy ghi lý do gia hạn."), fields={"reason": [_("Hãy ghi lý do gia hạn.")]}
        )
    if until <= item.due_at:
        raise DomainError(
            _("Hạn mới phải sau hạn ban đầu."), fields={"due_at": [_("Hạn quá sớm.")]}
        )
    before = item.effective_due_at
    item.effective_due_at, item.extension_reason, item.extended_by = until, reason[:500], actor
    item.reminded_on_at = item.reminded_after_at = None  # remind again against the new date
    item.save(
        update_fields=[
            "effective_due_at",
            "extension_reason",
            "extended_by",
            "reminded_on_at",
            "reminded_after_at",
        ]
    )
    due_summary_touch([item.school_id])
    audit_log(
        "records.due.extended",
        actor=actor,
        obj=item,
        unit_id=item.school_id,
        ip=ip,
        data={"from": before.isoformat(), "to": until.isoformat(), "reason": reason},
    )
    return item
