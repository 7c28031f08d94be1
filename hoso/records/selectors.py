"""Reads of records, queues, due items (and their statuses) and of a version's derived files;
what a person reads is already narrowed by the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.core import data_version
from hoso.org.models import Unit
from hoso.org.years import current_year
from hoso.policy import can, visible
from hoso.policy.grants import grants_for
from hoso.records import editions
from hoso.records.guards import deletion_refusal
from hoso.records.homerooms import homeroom_teacher
from hoso.records.models import (
    HOMEROOM_TEACHER,
    PERSONAL_SIGN_ACTIONS,
    SUBJECT_TEACHERS,
    Comment,
    DueItem,
    EventKind,
    Keeper,
    Record,
    RecordState,
    RecordType,
    RecordVersion,
    StepAction,
    Workflow,
)
from hoso.records.periods import PeriodChoices, upload_choices
from hoso.records.policies import KEEPER_ROLES
from hoso.records.selectors_applies import homeroom_class_ids, homeroom_classes, type_applies
from hoso.records.subjects import taught_in
from hoso.search.engine import SearchFilters
from hoso.storage import blob_store


def records_visible_to(user: Any) -> QuerySet[Record]:
    records = Record.objects.select_related("record_type", "unit", "school", "owner", "school_year")
    return visible(user, "records.record.view", records)


def record_list(
    user: Any,
    *,
    q: str = "",
    record_type: str = "",
    state: str = "",
    unit_id: int | None = None,
    owner_id: int | None = None,
    mine: bool = False,
) -> QuerySet[Record]:
    records = records_visible_to(user)
    if mine:
        records = records.filter(owner=user)
    if record_type:
        records = records.filter(record_type__code=record_type)
    if state:
        records = records.filter(state=state)
    if unit_id:
        records = records.filter(unit_id=unit_id)
    if owner_id:
        records = records.filter(owner_id=owner_id)
    if q.strip():
        records = _searched(user, records, q)
    return records.order_by("-updated_at", "-id")


def _searched(user: Any, records: QuerySet[Record], q: str) -> QuerySet[Record]:
    from hoso.records.search_index import search_record_ids

    ids, _ = search_record_ids(user, q, filters=SearchFilters(), limit=100)
    return records.filter(pk__in=ids)


def search_records(user: Any, q: str, *, limit: int = 50) -> list[Record]:
    """Records matching `q`, best first, that the user may see."""
    from hoso.records.search_index import search_record_ids

    ids, _ = search_record_ids(user, q, limit=limit)
    found = records_visible_to(user).in_bulk(ids)
    return [found[i] for i in ids if i in found]


def versions_of(record: Record) -> QuerySet[RecordVersion]:
    comments = Comment.objects.select_related("author").order_by("created_at", "id")
    return (
        record.versions.select_related("uploaded_by")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("-number")
    )


def pending_missing(workflow: Workflow | None) -> str:
    """Why nobody can take the waiting stage, in words ("" when someone can): a step performed
    by the GVCN of a class that has none this year."""
    if workflow is None or not workflow.is_open:
        return ""
    record = workflow.record
    for step in workflow.open_steps:
        if step["role"] != HOMEROOM_TEACHER:
            continue
        if homeroom_teacher(record.unit_id, record.school_year_id) is None:
            return _(
                "%(name)s chưa có giáo viên chủ nhiệm năm học %(school_year)s: chưa ai thực hiện "
                "được bước này. Nhà trường cần phân công giáo viên chủ nhiệm cho lớp."
            ) % {"name": record.unit.name, "school_year": record.school_year}
    return ""


def subject_signing(workflow: Workflow | None) -> list[dict[str, Any]]:
    """While the subject teachers sign: per subject of the class, its teacher now and who
    signed its list (a signature given before a change of teacher stays and counts)."""
    if workflow is None or not workflow.is_open:
        return []
    step = next((s for s in workflow.open_steps if s["role"] == SUBJECT_TEACHERS), None)
    if step is None:
        return []
    record = workflow.record
    signed: dict[str, int] = step.get("signed") or {}
    subjects = taught_in(record.unit_id, record.school_year_id)
    people = get_user_model().objects.filter(
        pk__in={t.teacher_id for t in subjects} | set(signed.values())
    )
    names = {u.pk: u.get_full_name() or u.get_username() for u in people}
    return [
        {
            "subject": t.name,
            "teacher": names.get(t.teacher_id, ""),
            "signed_by": names.get(signed[t.code], "") if t.code in signed else "",
        }
        for t in subjects
    ]


def return_note(record: Record) -> Comment | None:
    """While a record is returned: the comment its reviewer returned it with (the page shows it
    at the top until the author submits again)."""
    if record.state != RecordState.RETURNED:
        return None
    returned = record.events.filter(kind=EventKind.RETURNED).order_by("-at", "-id").first()
    if returned is None:
        return None
    comments = Comment.objects.filter(version_id=returned.version_id, author_id=returned.actor_id)
    return comments.select_related("author").order_by("-created_at", "-id").first()


def issued_unsigned(versions: list[RecordVersion]) -> RecordVersion | None:
    """The newest issued version when it carries no digital signature (its chain had none)."""
    issued = next((v for v in versions if v.issued_at is not None), None)
    return issued if issued is not None and not issued.signed_sha256 else None


def open_workflow(record: Record) -> Workflow | None:
    workflow = Workflow.objects.filter(record=record, is_open=True).first()
    if workflow is not None:
        workflow.record = record
    return workflow


def queue_for(user: Any, actions: Collection[str]) -> QuerySet[Workflow]:
    workflows = Workflow.objects.select_related(
        "record", "record__record_type", "record__owner", "record__unit", "version", "pending_user"
    )
    return visible(user, "records.workflow.act", workflows).filter(pending_action__in=actions)


def awaiting_personal_signature(user: Any, record_ids: list[int]) -> dict[int, str]:
    """record id → title, of the records among `record_ids` waiting for `user`'s personal
    signature (remote signing offers these)."""
    qs = Workflow.objects.filter(
        is_open=True, pending_action__in=PERSONAL_SIGN_ACTIONS, record_id__in=record_ids
    ).select_related("record")
    return {wf.record_id: wf.record.title for wf in visible(user, "records.workflow.act", qs)}


def awaiting_seal(user: Any, record_ids: list[int], school_id: int) -> dict[int, str]:
    """record id → title, of the records of `school_id` among `record_ids` waiting for `user`
    to seal them (the văn thư's remote seal offers these)."""
    qs = Workflow.objects.filter(
        is_open=True,
        pending_action=StepAction.SEAL,
        record_id__in=record_ids,
        record__school_id=school_id,
    ).select_related("record")
    return {wf.record_id: wf.record.title for wf in visible(user, "records.workflow.act", qs)}


def _waiting(user: Any, actions: tuple[str, ...]) -> QuerySet[Workflow]:
    if not getattr(user, "is_authenticated", False):
        return Workflow.objects.none()
    qs = Workflow.objects.filter(is_open=True, pending_action__in=actions)
    return (
        visible(user, "records.workflow.act", qs)
        .select_related("record", "record__owner", "record__record_type", "version")
        .order_by("opened_at", "id")
    )


def sign_waiting(user: Any) -> QuerySet[Workflow]:
    """The "Chờ ký" queue: open steps waiting for `user`'s personal signature."""
    return _waiting(user, PERSONAL_SIGN_ACTIONS)


def seal_waiting(user: Any) -> QuerySet[Workflow]:
    """The "Chờ đóng dấu" queue: open steps waiting for a seal `user` may apply."""
    return _waiting(user, (StepAction.SEAL,))


def review_queue(user: Any) -> QuerySet[Workflow]:
    approving = {StepAction.REVIEW, StepAction.APPROVE_SIGN}
    return queue_for(user, approving).order_by("opened_at", "id")


def signing_queue(user: Any) -> QuerySet[Workflow]:
    return queue_for(user, set(StepAction) - {StepAction.REVIEW}).order_by("opened_at", "id")


# --- due items: status at a time ------------------------------------------------------------
# Status of a due item at time `now` (after any extension): on time / late (submitted before /
# after the due time), missing (past due, nothing submitted), due (due within DUE_SOON), not yet
# due (later).

DUE_SOON = dt.timedelta(days=7)
REMIND_BEFORE = dt.timedelta(days=2)


class DueStatus:
    NOT_YET_DUE = "not_yet_due"
    DUE = "due"
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    LABELS = {
        "not_yet_due": gettext_lazy("Chưa đến hạn"),
        "due": gettext_lazy("Sắp đến hạn"),
        "on_time": gettext_lazy("Nộp đúng hạn"),
        "late": gettext_lazy("Nộp muộn"),
        "missing": gettext_lazy("Chưa nộp (quá hạn)"),
    }


def reference_time(now: dt.datetime | None = None) -> dt.datetime:
    """`now`, kept inside the current school year: after the year has ended, views of "this
    week" and the default completion window show the year's last weeks, not an empty page."""
    now = now or timezone.now()
    year = current_year()
    if year is None:
        return now
    last = dt.datetime.combine(year.end_date, dt.time(12), tzinfo=now.tzinfo)
    first = dt.datetime.combine(year.start_date, dt.time(12), tzinfo=now.tzinfo)
    return min(max(now, first), last)


def status_filters(now: dt.datetime) -> dict[str, Q]:
    """One Q per status; they partition every set of due items."""
    submitted = Q(submitted_at__isnull=False)
    return {
        DueStatus.ON_TIME: submitted & Q(submitted_at__lte=F("effective_due_at")),
        DueStatus.LATE: submitted & Q(submitted_at__gt=F("effective_due_at")),
        DueStatus.MISSING: Q(submitted_at__isnull=True, effective_due_at__lt=now),
        DueStatus.DUE: Q(
            submitted_at__isnull=True,
            effective_due_at__gte=now,
            effective_due_at__lt=now + DUE_SOON,
        ),
        DueStatus.NOT_YET_DUE: Q(submitted_at__isnull=True, effective_due_at__gte=now + DUE_SOON),
    }


def with_status(items: QuerySet[DueItem], now: dt.datetime) -> QuerySet[DueItem]:
    whens = [When(q, then=Value(status)) for status, q in status_filters(now).items()]
    return items.annotate(status=Case(*whens, output_field=CharField()))


def status_of(item: DueItem, now: dt.datetime) -> str:
    if item.submitted_at is not None:
        return DueStatus.ON_TIME if item.submitted_at <= item.effective_due_at else DueStatus.LATE
    if item.effective_due_at < now:
        return DueStatus.MISSING
    return DueStatus.DUE if item.effective_due_at < now + DUE_SOON else DueStatus.NOT_YET_DUE


def due_items_visible_to(user: Any) -> QuerySet[DueItem]:
    items = DueItem.objects.select_related("record_type", "unit", "owner", "record")
    return visible(user, "records.due.view", items)


def due_items_for(
    user: Any,
    *,
    unit: Any = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    mine: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[DueItem]:
    items = due_items_visible_to(user)
    if mine:
        items = items.filter(owner=user)
    if unit is not None:
        items = items.filter(unit__path__startswith=unit.path)
    if start is not None:
        items = items.filter(effective_due_at__gte=start)
    if end is not None:
        items = items.filter(effective_due_at__lt=end)
    return with_status(items, now or timezone.now()).order_by("effective_due_at", "id")


def my_week(user: Any, now: dt.datetime | None = None) -> QuerySet[DueItem]:
    """What the person still owes: overdue in the last 4 weeks and due in the next 7 days."""
    now = now or timezone.now()
    ref = reference_time(now)
    # One's own items are always visible: no policy scope here, so the owner index serves it
    # even for a Sở account whose scope is the whole province.
    items = DueItem.objects.select_related("record_type", "unit").filter(
        owner_id=getattr(user, "pk", None),
        submitted_at__isnull=True,
        effective_due_at__gte=ref - 4 * DUE_SOON,
        effective_due_at__lt=ref + DUE_SOON,
    )
    return with_status(items, now).order_by("effective_due_at", "id")


def returned_to(user: Any) -> QuerySet[Record]:
    return Record.objects.filter(owner=user, state=RecordState.RETURNED).select_related(
        "record_type"
    )


def types_for_upload(user: Any) -> list[RecordType]:
    """Types the person keeps (by role and school level; a homeroom book only for a class's
    GVCN), for the upload form. Kept between requests until the next write (five queries on
    the pages "my records" and the upload form; hoso.core.data_version)."""
    return data_version.for_user("records.types_for_upload", user, lambda: _types_for(user))


def _types_for(user: Any) -> list[RecordType]:
    from hoso.policy.grants import OFFICE_ROLES

    grants = [g for g in grants_for(user).items if g.school_id]
    schools = Unit.objects.in_bulk({g.school_id for g in grants})
    offices = list(Unit.objects.filter(pk__in=grants_for(user).units(OFFICE_ROLES)))
    result = []
    types = list(RecordType.objects.filter(is_active=True).order_by("code"))
    today = timezone.localdate()
    in_force = {
        school_id: {t.pk for t in editions.in_force(types, school, today, type_applies)}
        for school_id, school in schools.items()
    }
    for record_type in types:
        if record_type.keeper == Keeper.OFFICE:
            if any(type_applies(record_type, office) for office in offices):
                result.append(record_type)
            continue
        if record_type.keeper == Keeper.HOMEROOM:
            # Today's edition only: an office may have adapted the book for these schools.
            here = any(record_type.pk in ids for ids in in_force.values())
            if here and homeroom_class_ids(user, record_type):
                result.append(record_type)
            continue
        roles = KEEPER_ROLES[record_type.keeper]
        if any(
            g.role in roles and record_type.pk in in_force.get(g.school_id or 0, set())
            for g in grants
        ):
            result.append(record_type)
    return result


def homeroom_classes_for(user: Any, types: list[RecordType]) -> list[Any]:
    """The classes a homeroom book may be uploaded for, when `types` (those the person keeps)
    include a homeroom one; no queries otherwise."""
    if not any(t.keeper == Keeper.HOMEROOM for t in types):
        return []
    return homeroom_classes(user)


def next_due_period_key(
    owner: Any, record_type: RecordType, year: Any, unit_id: int | None = None
) -> str:
    """The period of the owner's earliest open due item of the type that is not long past
    (of that class, for a homeroom book); "" when they owe none."""
    pending = DueItem.objects.filter(
        owner=owner, record_type=record_type, school_year=year, submitted_at__isnull=True
    )
    if unit_id is not None and record_type.keeper == Keeper.HOMEROOM:
        pending = pending.filter(unit_id=unit_id)  # a GVCN of two classes owes each book apart
    key = (
        pending.filter(effective_due_at__gte=timezone.now() - DUE_SOON)
        .order_by("effective_due_at")
        .values_list("period_key", flat=True)
        .first()
    )
    return key or ""


def upload_periods(
    user: Any, record_type: RecordType, unit_id: int | None = None
) -> PeriodChoices | None:
    """The periods the upload form offers for `record_type` in the current school year, the
    one the person owes next chosen; None when there is no current school year."""
    year = current_year()
    if year is None:
        return None
    due_key = next_due_period_key(user, record_type, year, unit_id)
    return upload_choices(
        record_type.period,
        record_type.due_rule,
        year,
        today=timezone.localdate(),
        due_key=due_key,
    )


def deletable(user: Any, record: Record) -> bool:
    """Offer "Xóa hồ sơ" only to who may ask and when no guard (retention period) refuses."""
    return can(user, "records.record.delete", record) and deletion_refusal(record) is None


def named_people(chain: list[dict[str, Any]]) -> dict[int, str]:
    """Names of the people a chain names, for showing it in words."""
    ids = [int(step["user"]) for step in chain if step.get("user")]
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


# --- a version's derived files ------------------------------------------------------------------

RUNNING_KEY = "records:rendering:{}"


def is_rendering(version_id: int) -> bool:
    """True while a worker converts this version (the record page says so and keeps polling).
    A cache marker, not a status column: a worker killed mid-way leaves the version "pending",
    which is what the crash-recovery sweep (hoso/ops/recovery.py) looks for."""
    return bool(cache.get(RUNNING_KEY.format(version_id)))


def version_text(version: RecordVersion) -> str:
    if not version.text_sha256:
        return ""
    with blob_store().open(version.text_sha256) as stream:
        return stream.read().decode("utf-8", "replace")
