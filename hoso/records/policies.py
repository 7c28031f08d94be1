"""Policy rules for records: who sees a record, who acts on a workflow step, who sees
deadlines and completion. Drafts (never submitted) are their owner's alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from hoso.org.models import Role, Unit, UnitKind
from hoso.policy.grants import INSPECTOR_ROLES, OFFICE_ROLES, SCHOOL_ROLES, Grants, grants_for
from hoso.policy.registry import nothing, register
from hoso.records.homerooms import gvcn_records_q, homeroom_teacher
from hoso.records.models import (
    APPROVING_ACTIONS,
    AUTHOR,
    HOMEROOM_TEACHER,
    SUBJECT_TEACHERS,
    DueItem,
    Keeper,
    Record,
    RecordState,
    RecordType,
    Workflow,
)
from hoso.records.subjects import still_to_sign_q, taught_in, teaches_q, to_sign

SCHOOL_READERS = frozenset({Role.HT, Role.PHT, Role.VT})
LEADERS = frozenset({Role.HT, Role.PHT})
PUBLISHED = (RecordState.ISSUED, RecordState.ARCHIVED)
# Who may act on a pending step, by the step's role (HT outranks PHT).
STEP_ROLES: dict[str, frozenset[str]] = {
    Role.PHT: frozenset({Role.PHT, Role.HT}),
    Role.HT: frozenset({Role.HT}),
    Role.VT: frozenset({Role.VT}),
    # Office steps: held at the Phòng or Sở that keeps the record or is above its school.
    Role.PTP: frozenset({Role.PTP, Role.TP}),
    Role.TP: frozenset({Role.TP}),
    Role.PGD: frozenset({Role.PGD, Role.GD}),
    Role.GD: frozenset({Role.GD}),
    Role.VT_CQ: frozenset({Role.VT_CQ}),
    Role.CV_PHONG: frozenset({Role.CV_PHONG, Role.PTP, Role.TP}),
    Role.CV_SO: frozenset({Role.CV_SO, Role.PGD, Role.GD}),
}

# Who keeps (lập) the records of each keeper kind; the homeroom keeper is further narrowed
# to the class's GVCN by the grading app's keeper provider.
KEEPER_ROLES: dict[str, frozenset[str]] = {
    Keeper.TEACHER: frozenset({Role.GV, Role.TTCM}),
    Keeper.HOMEROOM: frozenset({Role.GV}),
    Keeper.GROUP: frozenset({Role.TTCM}),
    Keeper.SCHOOL: frozenset({Role.HT, Role.PHT, Role.VT}),
    Keeper.OFFICE: OFFICE_ROLES,
}
UNIT_HEADS = frozenset({Role.HT, Role.TP, Role.GD})
# Who sets a unit's signing chains: the Sở's and the Phòng's leaders and specialists, the principal.
CHAIN_SETTERS: dict[str, frozenset[str]] = {
    UnitKind.SO: frozenset({Role.GD, Role.PGD, Role.CV_SO}),
    UnitKind.PHONG: frozenset({Role.TP, Role.PTP, Role.CV_PHONG}),
    UnitKind.TRUONG: frozenset({Role.HT}),
}


def path_q(field: str, paths: set[str]) -> Q:
    query = nothing()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordReach:
    """Submitted records a person may read because of where they work: those whose school is
    one of `school_ids`, whose unit lies under one of `unit_paths`, or whose school lies under
    one of `school_paths`; only issued and archived ones when `published_only`."""

    school_ids: frozenset[int] = frozenset()
    unit_paths: frozenset[str] = frozenset()
    school_paths: frozenset[str] = frozenset()
    published_only: bool = False

    def __bool__(self) -> bool:
        return bool(self.school_ids or self.unit_paths or self.school_paths)


@dataclass(frozen=True)
class RecordViewScope:
    """Who sees which records, stated once in roles and unit paths. It compiles to a database
    filter (`_record_scope`), to a one-record check (`_record_visible`) and to the search
    engine's visibility (hoso.records.search_index), so the three cannot drift apart."""

    owner_id: int | None = None  # everyone sees their own records, drafts included
    all_submitted: bool = False  # the administrator: every record once submitted
    reaches: tuple[RecordReach, ...] = ()
    # The person whose homerooms count: the GVCN of a class reads its submitted records of the
    # school years they are its GVCN (hoso.records.homerooms).
    homerooms_of: int | None = None
    # The person whose teaching counts: a subject teacher of a class reads its record while it
    # waits for the subject teachers' signatures (hoso.records.subjects); not in search, where
    # it would have to follow the workflow (they find it in "Chờ ký"); once issued like all staff.
    subject_teacher: int | None = None


def record_view_scope(grants: Grants, user: Any) -> RecordViewScope:
    """The rule of `records.record.view`. Drafts (never submitted) are their owner's alone."""
    if grants.user_id is None:
        return RecordViewScope()
    if grants.is_admin:
        return RecordViewScope(owner_id=user.pk, all_submitted=True)
    readers = grants.schools(SCHOOL_READERS) | grants.units(OFFICE_ROLES)  # an office's own
    reaches = (
        RecordReach(school_ids=frozenset(readers)),
        RecordReach(unit_paths=frozenset(grants.subtree_paths({Role.TTCM}))),
        RecordReach(school_paths=frozenset(grants.subtree_paths(INSPECTOR_ROLES))),
        RecordReach(school_ids=frozenset(grants.schools(SCHOOL_ROLES)), published_only=True),
    )
    teacher = user.pk if grants.schools(SCHOOL_ROLES) else None  # anyone working at a school
    return RecordViewScope(
        owner_id=user.pk,
        reaches=tuple(r for r in reaches if r),
        homerooms_of=teacher,
        subject_teacher=teacher,
    )


def record_view_schools_q(grants: Grants, user: Any) -> Q:
    """The schools (or Phòng, Sở, as `Unit` rows) whose records `record.view` can reach for
    the person, compiled from the same scope: the search's school choices. Read from the units,
    not from the records, so a Sở's list costs no scan of its million records; a school in
    reach with nothing submitted yet is listed too (choosing it finds nothing)."""
    scope = record_view_scope(grants, user)
    if scope.all_submitted:
        return Q()
    schools = nothing()
    if scope.owner_id is not None:
        schools |= Q(pk__in=Record.objects.filter(owner_id=scope.owner_id).values("school_id"))
    for reach in scope.reaches:
        schools |= Q(pk__in=reach.school_ids) | path_q("path", set(reach.school_paths))
        if reach.unit_paths:
            units = Unit.objects.filter(path_q("path", set(reach.unit_paths)))
            schools |= Q(pk__in=units.values("school_id"))
    return schools


def _reach_allows(reach: RecordReach, record: Record) -> bool:
    if reach.published_only and record.state not in PUBLISHED:
        return False
    return (
        record.school_id in reach.school_ids
        or any(record.unit.path.startswith(path) for path in reach.unit_paths)
        or any(record.school.path.startswith(path) for path in reach.school_paths)
    )


def _reach_q(reach: RecordReach) -> Q:
    where = (
        Q(school_id__in=reach.school_ids)
        | path_q("unit__path", set(reach.unit_paths))
        | path_q("school__path", set(reach.school_paths))
    )
    return where & Q(state__in=PUBLISHED) if reach.published_only else where


def _record_visible(grants: Grants, user: Any, record: Record) -> bool:
    scope = record_view_scope(grants, user)
    if scope.owner_id is not None and record.owner_id == scope.owner_id:
        return True
    if record.first_submitted_at is None:
        return False
    if scope.all_submitted or any(_reach_allows(r, record) for r in scope.reaches):
        return True
    if scope.homerooms_of is not None and _is_gvcn_of(scope.homerooms_of, record):
        return True
    return scope.subject_teacher is not None and _waits_for_teacher(scope.subject_teacher, record)


def _waits_for_teacher(user_id: int, record: Record) -> bool:
    """The record's open workflow waits for the subject teachers of its class, `user_id` one."""
    if record.unit.kind != UnitKind.LOP:
        return False
    waiting = Workflow.objects.filter(
        record=record, is_open=True, pending_keys__contains=f"|R{SUBJECT_TEACHERS}|"
    )
    if not waiting.exists():
        return False
    return any(t.teacher_id == user_id for t in taught_in(record.unit_id, record.school_year_id))


def _teaches_unsigned(user_id: int, record: Record, step: dict[str, Any]) -> bool:
    """`user_id` teaches, now, a subject of the record's class not yet signed on `step`."""
    left = to_sign(record.unit_id, record.school_year_id, step.get("signed") or {})
    return any(t.teacher_id == user_id for t in left)


def _is_gvcn_of(user_id: int, record: Record) -> bool:
    """`user_id` is the GVCN of the record's class in the record's school year: they read its
    submitted books (`RecordViewScope.homerooms_of`, in search too) and act on a GVCN step."""
    if record.unit.kind != UnitKind.LOP:
        return False
    teacher = homeroom_teacher(record.unit_id, record.school_year_id)
    return teacher is not None and teacher == user_id


def _record_scope(grants: Grants, user: Any) -> Q:
    scope = record_view_scope(grants, user)
    own = Q(owner_id=scope.owner_id) if scope.owner_id is not None else nothing()
    if scope.all_submitted:
        return own | Q(first_submitted_at__isnull=False)
    others = nothing()
    for reach in scope.reaches:
        others |= _reach_q(reach)
    if scope.homerooms_of is not None:
        others |= Q(unit__kind=UnitKind.LOP) & gvcn_records_q(scope.homerooms_of)
    if scope.subject_teacher is not None:
        waiting = Workflow.objects.filter(
            record=OuterRef("pk"), is_open=True, pending_keys__contains=f"|R{SUBJECT_TEACHERS}|"
        )
        teaches = teaches_q(scope.subject_teacher)
        others |= Q(unit__kind=UnitKind.LOP) & Q(Exists(waiting)) & teaches
    return own | (Q(first_submitted_at__isnull=False) & others)


def _record_create(grants: Grants, _user: Any, school: Unit | None) -> bool:
    if school is None:
        return bool(grants.schools(SCHOOL_ROLES) or grants.units(OFFICE_ROLES))
    if school.school_id is None:  # a Phòng or Sở keeps its own records
        return school.pk in grants.units(OFFICE_ROLES)
    return school.school_id in grants.schools(SCHOOL_ROLES)


def _record_edit(_grants: Grants, user: Any, record: Record) -> bool:
    """Upload a new version, submit: the owner only."""
    return bool(record.owner_id == user.pk)


def _record_archive(grants: Grants, _user: Any, record: Record) -> bool:
    if record.school_id in grants.units({Role.TP, Role.GD, Role.VT_CQ}):
        return True  # an office's own records: its head or its clerk
    return grants.is_admin or record.school_id in grants.schools({Role.HT, Role.VT})


def _record_delete(grants: Grants, user: Any, record: Record) -> bool:
    """Ask to delete (the retention rules and the rows pointing at it still decide): the owner
    of a record never submitted; the principal or the clerk of its school."""
    if record.owner_id == user.pk and record.first_submitted_at is None:
        return True
    return _record_archive(grants, user, record)


# --- workflow steps ----------------------------------------------------------------------------


def _workflow_act(grants: Grants, user: Any, workflow: Workflow) -> bool:
    """`user` may act on some open step of the workflow's current stage."""
    return bool(_steps_open_to(grants, user, workflow))


def _steps_open_to(grants: Grants, user: Any, workflow: Workflow) -> list[dict[str, Any]]:
    if not workflow.is_open:
        return []
    return [s for s in workflow.open_steps if _may_take(grants, user, workflow, s)]


def _may_take(grants: Grants, user: Any, workflow: Workflow, step: dict[str, Any]) -> bool:
    record = workflow.record
    # Nobody approves their own work; signing or sealing what one drafted is normal.
    if record.owner_id == user.pk and step["action"] in APPROVING_ACTIONS:
        return False
    if step.get("user") is not None:  # a step the chain names one person for
        return bool(step["user"] == user.pk) or record.school_id in _heads_of(grants)
    role = step["role"]
    if role == AUTHOR:  # "Ký và trình": the author's own signature
        return bool(record.owner_id == user.pk)
    if role == HOMEROOM_TEACHER:  # the class's GVCN this record's year; nobody when it has none
        return _is_gvcn_of(user.pk, record)
    if role == SUBJECT_TEACHERS:  # a teacher of a subject of the class not yet signed
        return record.unit.kind == UnitKind.LOP and _teaches_unsigned(user.pk, record, step)
    if role == Role.TTCM:
        return grants.covers({Role.TTCM}, record.unit.path)
    allowed = STEP_ROLES.get(role)
    if allowed is None:
        return False
    if role in OFFICE_ROLES:  # a Phòng/Sở step: the office keeping the record or above it
        return grants.covers(allowed, record.school.path)
    return record.school_id in grants.schools(allowed)


def steps_open_to(user: Any, workflow: Workflow) -> list[dict[str, Any]]:
    """The open steps `user` may take, the one the chain names them for first: when one
    person holds two roles of a stage (kiêm nhiệm), they take one step per act."""
    grants = grants_for(user)
    if grants.user_id is None:
        return []
    steps = _steps_open_to(grants, user, workflow)
    return sorted(steps, key=lambda s: (s.get("user") != user.pk, s["index"]))


def _has(key: str) -> Q:
    return Q(pending_keys__contains=f"|{key}|")


def _workflow_act_scope(grants: Grants, user: Any) -> Q:
    query = _has(f"R{Role.TTCM}") & path_q("record__unit__path", grants.subtree_paths({Role.TTCM}))
    for role, allowed in STEP_ROLES.items():
        if role in OFFICE_ROLES:
            paths = grants.subtree_paths(allowed)
            if paths:
                query |= _has(f"R{role}") & path_q("record__school__path", paths)
            continue
        schools = grants.schools(allowed)
        if schools:
            query |= _has(f"R{role}") & Q(record__school_id__in=schools)
    query |= _has(f"R{AUTHOR}") & Q(record__owner_id=user.pk)
    query |= _has(f"R{HOMEROOM_TEACHER}") & gvcn_records_q(user.pk, prefix="record__")
    query |= _has(f"R{SUBJECT_TEACHERS}") & still_to_sign_q(user.pk)
    query |= _has(f"U{user.pk}") | (_has("N") & Q(record__school_id__in=_heads_of(grants)))
    own_review = Q(record__owner_id=user.pk, pending_action__in=APPROVING_ACTIONS)
    return Q(is_open=True) & ~own_review & query


def _heads_of(grants: Grants) -> set[int]:
    """Units whose head stands in for a person a chain names (who may have left, or be away):
    the principal of a school, the trưởng phòng, the giám đốc Sở."""
    return grants.units(UNIT_HEADS)


# --- signing chains --------------------------------------------------------------------------


def _chain_set(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Set the signing chains of `unit` (whether the unit above allows it is a chain rule)."""
    if grants.is_admin:
        return True
    return unit.pk in grants.units(CHAIN_SETTERS.get(unit.kind, frozenset()))


# --- deadlines and completion ------------------------------------------------------------------


def _unit_overseen(grants: Grants, _user: Any, unit: Unit) -> bool:
    """See completion of `unit`: leaders of its school, its group leader, the offices above."""
    if grants.is_admin or grants.covers(INSPECTOR_ROLES, unit.path):
        return True
    if unit.school_id is not None and unit.school_id in grants.schools(SCHOOL_READERS):
        return True
    return grants.covers({Role.TTCM}, unit.path)


def _unit_overseen_scope(grants: Grants, _user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        path_q("path", grants.subtree_paths(INSPECTOR_ROLES))
        | Q(school_id__in=grants.schools(SCHOOL_READERS))
        | path_q("path", grants.subtree_paths({Role.TTCM}))
    )


def _due_visible(grants: Grants, user: Any, item: DueItem) -> bool:
    return item.owner_id == user.pk or _unit_overseen(grants, user, item.unit)


def _due_scope(grants: Grants, user: Any) -> Q:
    if grants.is_admin:
        return Q()
    return (
        Q(owner_id=user.pk)
        | Q(school_id__in=grants.schools(SCHOOL_READERS))
        | path_q("unit__path", grants.subtree_paths({Role.TTCM}))
        | path_q("school__path", grants.subtree_paths(INSPECTOR_ROLES))
    )


def _due_extend(grants: Grants, _user: Any, item: DueItem) -> bool:
    return grants.is_admin or item.school_id in grants.schools(LEADERS)


def _type_manage(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Add record types that apply below `unit`."""
    if grants.is_admin:
        return True
    if unit.kind == "TRUONG":
        return unit.pk in grants.schools({Role.HT, Role.VT})
    return unit.pk in grants.units(INSPECTOR_ROLES)


def _type_visible(grants: Grants, _user: Any, record_type: RecordType) -> bool:
    """National types: everyone signed in; a unit's own types: who works at or above the
    schools they apply to, and the offices above the unit that made them."""
    if grants.user_id is None:
        return False
    owner = record_type.owner_unit
    if owner is None or grants.is_admin:
        return True
    return owner.pk in _ancestor_ids(grants) or grants.covers(_ALL_ROLES, owner.path)


def _type_scope(grants: Grants, _user: Any) -> Q:
    if grants.user_id is None:
        return nothing()
    if grants.is_admin:
        return Q()
    return (
        Q(owner_unit__isnull=True)
        | Q(owner_unit_id__in=_ancestor_ids(grants))
        | path_q("owner_unit__path", grants.subtree_paths(_ALL_ROLES))
    )


_ALL_ROLES = frozenset(Role.values)


def _ancestor_ids(grants: Grants) -> set[int]:
    return {int(part) for g in grants.items for part in g.unit_path.strip("/").split("/") if part}


# --- record types an office defines for the schools below it ----------------------------------


def phong_may_define(phong: Unit) -> bool:
    """The Sở above `phong` lets its Phòng define and adapt record types (one query)."""
    from hoso.records.models import TypeDelegation

    above = phong.ancestor_ids()[:-1]
    return TypeDelegation.objects.filter(unit_id__in=above, allow_phong=True).exists()


def _type_define(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Add or adapt record types for the schools below `unit` (a Sở; a Phòng the Sở allows)."""
    if unit.kind not in (UnitKind.SO, UnitKind.PHONG):
        return False
    if not grants.is_admin and unit.pk not in grants.units(CHAIN_SETTERS[unit.kind]):
        return False
    return unit.kind == UnitKind.SO or phong_may_define(unit)


def _type_delegate(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Let the Phòng below a Sở define record types, or stop them: the Sở's leaders."""
    if unit.kind != UnitKind.SO:
        return False
    return grants.is_admin or unit.pk in grants.units(CHAIN_SETTERS[UnitKind.SO])


def _type_revise(grants: Grants, user: Any, record_type: RecordType) -> bool:
    """Change (as a new edition) or retire a type an office defined or adapted: that office."""
    owner = record_type.owner_unit
    if owner is None or owner.kind not in (UnitKind.SO, UnitKind.PHONG):
        return False
    return _type_define(grants, user, owner)


def register_all() -> None:
    register("records.record.view", _record_visible, _record_scope)
    register("records.record.create", _record_create)
    register("records.record.edit", _record_edit)
    register("records.record.archive", _record_archive)
    register("records.record.delete", _record_delete)
    register("records.workflow.act", _workflow_act, _workflow_act_scope)
    register("records.unit.oversee", _unit_overseen, _unit_overseen_scope)
    register("records.due.view", _due_visible, _due_scope)
    register("records.due.extend", _due_extend)
    register("records.type.manage", _type_manage)
    register("records.chain.set", _chain_set)
    register("records.type.view", _type_visible, _type_scope)
    register("records.type.define", _type_define)
    register("records.type.delegate", _type_delegate)
    register("records.type.revise", _type_revise)
