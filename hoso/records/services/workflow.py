"""The review workflow: draft → submitted → returned | approved → (signing steps) → issued
→ archived. Each transition locks the record row (select_for_update), checks the state and
the actor's place in the chain, writes the history event and the audit entry, and notifies.

Signing chain: ordered steps {role, action: review|sign|approve_sign|seal}. Review steps are
handled here (`record_approve`). Sign, approve-sign (ký duyệt: approve and sign in one act) and
seal steps are done by hoso.signing, which calls `workflow_signing_step_done` after it has
produced the signed PDF; a chain without sign steps issues the version at the last approval.
A chain may start with the author's own signature (role AUTHOR): submitting is then "Ký và
trình" (`record_sign_and_submit`), and a version never issues while a sign step is unsigned."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.core.events import RECORD_ISSUED, emit
from hoso.core.scheduling import later
from hoso.org.models import Role, RoleAssignment, UnitKind
from hoso.policy import can
from hoso.records import chains
from hoso.records.homerooms import homeroom_teacher
from hoso.records.models import (
    APPROVING_ACTIONS,
    AUTHOR,
    HOMEROOM_TEACHER,
    SUBJECT_TEACHERS,
    Comment,
    EventKind,
    Record,
    RecordEvent,
    RecordState,
    RecordVersion,
    StepAction,
    Workflow,
    WorkflowState,
    signing_kind,
)
from hoso.records.notify import notify
from hoso.records.selectors import named_people
from hoso.records.services.deadlines import due_item_mark_submitted
from hoso.records.subjects import done_key, taught_in, to_sign
from hoso.storage import BlobRef

OUTSIDE_CHAIN = gettext_lazy("Bạn không nằm trong chuỗi duyệt, ký của hồ sơ này ở bước hiện tại.")
STEP_FIELDS = [
    "step",
    "open_steps",
    "pending_role",
    "pending_action",
    "pending_user",
    "pending_keys",
    "state",
]
NOT_PENDING = gettext_lazy(
    "Hồ sơ không còn chờ bước này (có thể người khác vừa xử lý). Hãy tải lại trang."
)


def _lock(record_id: int) -> tuple[Record, Workflow | None]:
    record = (
        Record.objects.select_for_update(of=("self",))  # not the joined type and unit rows
        .select_related("record_type", "unit", "school")
        .get(pk=record_id)
    )
    workflow = Workflow.objects.select_for_update().filter(record=record, is_open=True).first()
    if workflow is not None:
        workflow.record = record
    return record, workflow


def _event(
    record: Record, version: RecordVersion | None, kind: str, actor: Any, note: str = ""
) -> None:
    RecordEvent.objects.create(
        record=record, version=version, kind=kind, actor=actor, at=timezone.now(), note=note[:255]
    )


def _audit(action: str, actor: Any, record: Record, ip: str, **data: Any) -> None:
    audit_log(action, actor=actor, obj=record, unit_id=record.school_id, ip=ip, data=data)


def _record_url(record: Record) -> str:
    return reverse("records:detail", args=[record.pk])


def _reindex(record: Record) -> None:
    from hoso.records.tasks import index_record

    later(index_record, record.pk)


# --- who is pending ---------------------------------------------------------------------------


def resolve_role(record: Record, step: dict[str, Any]) -> str:
    """The role that must act on `step` for this record. A group-leader step goes to the
    school's leaders when the record is not in a group or its owner leads the group."""
    role = str(step["role"])
    if role != Role.TTCM:
        return role
    if record.unit.kind != UnitKind.TO:
        return Role.PHT
    other_leaders = RoleAssignment.objects.filter(
        role=Role.TTCM, unit=record.unit, school_year=record.school_year
    ).exclude(user_id=record.owner_id)
    return Role.TTCM if other_leaders.exists() else Role.PHT


def pending_people(workflow: Workflow) -> list[int]:
    """Who may take an open step of the current stage (to notify them)."""
    people: list[int] = []
    for step in workflow.open_steps:
        people += [p for p in _people_for_step(workflow.record, step) if p not in people]
    return people


def _people_for_step(record: Record, step: dict[str, Any]) -> list[int]:
    role = step["role"]
    if role == AUTHOR:
        return [record.owner_id]
    if role == HOMEROOM_TEACHER:
        teacher = homeroom_teacher(record.unit_id, record.school_year_id)
        own_approval = teacher == record.owner_id and step["action"] in APPROVING_ACTIONS
        return [teacher] if teacher is not None and not own_approval else []
    if role == SUBJECT_TEACHERS:  # the teachers of the subjects still unsigned, found now
        left = to_sign(record.unit_id, record.school_year_id, step.get("signed") or {})
        return list(dict.fromkeys(t.teacher_id for t in left))
    if step.get("user") is not None:
        return [int(step["user"])]
    from hoso.policy.grants import OFFICE_ROLES
    from hoso.records.policies import STEP_ROLES

    roles: list[str] = sorted(STEP_ROLES.get(role, {role}))
    units = [record.unit_id] if role == Role.TTCM else [record.school_id]
    if role in OFFICE_ROLES:  # the office keeping the record, or the Phòng/Sở above its school
        units = record.school.ancestor_ids()
    people = RoleAssignment.objects.filter(
        role__in=roles, unit_id__in=units, school_year=record.school_year
    )
    if step["action"] in APPROVING_ACTIONS:  # nobody approves their own work
        people = people.exclude(user_id=record.owner_id)
    return list(people.values_list("user_id", flat=True).distinct())


def _set_step(workflow: Workflow, index: int) -> dict[str, Any] | None:
    """Open the stage starting at `index` (None when the chain is over)."""
    workflow.step = index
    stage = chains.stage_of(workflow.chain, index)
    names = named_people([workflow.chain[i] for i in stage])
    workflow.open_steps = [_open_step(workflow, i, names) for i in stage]
    _copy_first_open(workflow)
    step = workflow.current_step()
    if step is not None:
        in_review = step["action"] in APPROVING_ACTIONS or step["role"] == AUTHOR
        workflow.state = WorkflowState.IN_REVIEW if in_review else WorkflowState.SIGNING
    return step


def _open_step(workflow: Workflow, index: int, names: dict[int, str]) -> dict[str, Any]:
    step = workflow.chain[index]
    opened: dict[str, Any] = {
        "index": index,
        "role": resolve_role(workflow.record, step),
        "action": str(step["action"]),
    }
    if step.get("user") is not None:
        opened["user"] = step["user"]
        opened["name"] = names.get(step["user"], "")
    if step["role"] == SUBJECT_TEACHERS:
        opened["signed"] = {}  # subject code -> who signed its list
    return opened


def _copy_first_open(workflow: Workflow) -> None:
    """The first open step into the pending columns, and who may act into the keys."""
    first = workflow.open_steps[0] if workflow.open_steps else {}
    workflow.pending_role = first.get("role", "")
    workflow.pending_action = first.get("action", "")
    workflow.pending_user_id = first.get("user")
    keys: list[str] = []
    for step in workflow.open_steps:
        named = step.get("user") is not None
        keys += [f"U{step['user']}", "N"] if named else [f"R{step['role']}"]
        keys += [done_key(code) for code in step.get("signed") or {}]
    workflow.pending_keys = "|" + "|".join(dict.fromkeys(keys)) + "|" if keys else ""


def _take_step(workflow: Workflow, index: int) -> bool:
    """Mark step `index` of the stage done; True when that finished the stage (and the next
    stage, if any, is open now)."""
    workflow.open_steps = [s for s in workflow.open_steps if s["index"] != index]
    if workflow.open_steps:
        _copy_first_open(workflow)
        return False
    stage = chains.stage_of(workflow.chain, workflow.step)
    _set_step(workflow, stage[-1] + 1)
    return True


# --- transitions --------------------------------------------------------------------------------


@transaction.atomic
def record_submit(*, actor: Any, record_id: int, ip: str = "") -> Record:
    record, workflow = _lock(record_id)
    if not can(actor, "records.record.edit", record):
        raise NotAllowed(_("Chỉ người lập hồ sơ mới trình duyệt được."))
    if workflow is not None or record.state not in (RecordState.DRAFT, RecordState.RETURNED):
        raise Conflict(_("Hồ sơ đã được trình hoặc đã ban hành."))
    version = record.versions.order_by("-number").first()
    if version is None:
        raise DomainError(_("Hồ sơ chưa có tệp nào; hãy tải tệp lên trước khi trình."))
    chain = chains.chain_for_record(record)
    _check_class_steps(record, chain)
    now = timezone.now()
    workflow = Workflow(
        record=record,
        version=version,
        chain=chain,
        state=WorkflowState.IN_REVIEW,
        opened_by=actor,
        opened_at=now,
    )
    step = _set_step(workflow, 0)
    workflow.save()
    record.state = RecordState.SUBMITTED
    record.first_submitted_at = record.first_submitted_at or now
    record.save(update_fields=["state", "first_submitted_at", "updated_at"])
    due_item_mark_submitted(record, now)
    _event(record, version, EventKind.SUBMITTED, actor)
    _audit("records.record.submitted", actor, record, ip, version=version.number)
    if step is None:
        _issue(record, workflow, actor, ip)
    elif workflow.pending_role != AUTHOR:  # the author signs next, in this act or the next
        _notify_pending(workflow, _("Hồ sơ chờ duyệt: %(title)s") % {"title": record.title})
    _reindex(record)
    return record


def _check_class_steps(record: Record, chain: list[dict[str, Any]]) -> None:
    """A chain where the subject teachers sign needs a class whose subjects have teachers
    (`chains.for_unit` has kept the class's steps only for a record of a class)."""
    roles = {step.get("role") for step in chain}
    if SUBJECT_TEACHERS in roles and not taught_in(record.unit_id, record.school_year_id):
        raise DomainError(
            gettext(
                "{cls} chưa có giáo viên bộ môn nào được phân công năm học {year}: chưa ai ký "
                "được phần của giáo viên bộ môn. Hãy phân công giảng dạy cho lớp trước khi trình."
            ).format(cls=record.unit.name, year=record.school_year)
        )


def record_sign_and_submit(
    *,
    actor: Any,
    record_id: int,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    ip: str = "",
) -> Record:
    """ "Ký và trình": submit and sign the author's step with the author's own server-side key
    (PKCS#12 or PKCS#11) in one transaction; a refused signature leaves the record as it was.
    A USB token (agent) or remote signing signs the author's step after `record_submit`."""
    from hoso.records.services.signing import version_sign

    with transaction.atomic():
        record = Record.objects.select_related("record_type", "school").get(pk=record_id)
        if not chains.author_signs(chains.chain_for_record(record)):
            raise Conflict(_("Loại hồ sơ này không yêu cầu người lập ký; hãy bấm «Trình duyệt»."))
        record_submit(actor=actor, record_id=record_id, ip=ip)
        version_sign(
            actor=actor,
            record_id=record_id,
            passphrase=passphrase,
            pin=pin,
            certificate_id=certificate_id,
            ip=ip,
        )
    return Record.objects.get(pk=record_id)


@transaction.atomic
def record_approve(*, actor: Any, record_id: int, comment: str = "", ip: str = "") -> Record:
    """Approve the pending review step; the last review step hands over to the signing steps,
    or issues the version when the chain has none."""
    record, workflow = _lock(record_id)
    step = _pending_step(actor, workflow, {StepAction.REVIEW})
    assert workflow is not None
    if comment.strip():
        _comment(workflow.version, actor, comment)
    _audit("records.record.approved", actor, record, ip, step=step["index"], role=step["role"])
    if not _take_step(workflow, step["index"]):  # others of the stage have still to approve
        workflow.save(update_fields=STEP_FIELDS)
        _event(record, workflow.version, EventKind.REVIEWED, actor, f"{step['role']}")
        _reindex(record)
        return record
    following = workflow.current_step()
    # "approved" once the review is over (the last review step); "reviewed" for earlier ones.
    last_review = following is None or following["action"] not in APPROVING_ACTIONS
    kind = EventKind.APPROVED if last_review else EventKind.REVIEWED
    _event(record, workflow.version, kind, actor, f"{step['role']}")
    if following is None:
        _issue(record, workflow, actor, ip)
    elif following["action"] in APPROVING_ACTIONS:
        workflow.save(update_fields=STEP_FIELDS)
        _notify_pending(
            workflow,
            _("Hồ sơ chờ %(pending_label)s: %(title)s")
            % {"pending_label": workflow.pending_label.lower(), "title": record.title},
        )
    else:
        workflow.save(update_fields=STEP_FIELDS)
        _set_state(record, RecordState.APPROVED)
        _notify_pending(workflow, _("Hồ sơ chờ ký: %(title)s") % {"title": record.title})
        notify(
            [record.owner_id],
            title=_("Hồ sơ đã được duyệt: %(title)s") % {"title": record.title},
            url=_record_url(record),
        )
    _reindex(record)
    return record


@transaction.atomic
def record_return(*, actor: Any, record_id: int, comment: str, ip: str = "") -> Record:
    """Return the record to its owner with a comment (required) on the submitted version."""
    record, workflow = _lock(record_id)
    if not (comment or "").strip():
        raise DomainError(
            _("Hãy ghi góp ý khi trả lại hồ sơ."), fields={"comment": [_("Hãy ghi góp ý.")]}
        )
    step = _pending_step(actor, workflow, {str(a) for a in StepAction})
    if step["role"] == AUTHOR:
        raise Conflict(_("Hồ sơ đang chờ chính bạn ký; hãy ký để trình, hoặc bấm «Rút lại»."))
    assert workflow is not None
    _comment(workflow.version, actor, comment)
    _close(workflow, WorkflowState.RETURNED)
    _set_state(record, RecordState.RETURNED)
    _event(record, workflow.version, EventKind.RETURNED, actor, comment)
    _audit("records.record.returned", actor, record, ip, step=step["index"])
    notify(
        [record.owner_id],
        title=_("Hồ sơ bị trả lại: %(title)s") % {"title": record.title},
        body=_("Góp ý: %(comment)s") % {"comment": comment.strip()},
        url=_record_url(record),
    )
    _reindex(record)
    return record


@transaction.atomic
def record_withdraw(*, actor: Any, record_id: int, ip: str = "") -> Record:
    """The author takes back a record still waiting for their own signature (a closed USB
    token page, a refused phone confirmation): it is a draft again, nothing was signed."""
    record, workflow = _lock(record_id)
    step = workflow.current_step() if workflow else None
    if workflow is None or step is None or step["role"] != AUTHOR:  # the author is alone
        raise Conflict(_("Chỉ rút lại được hồ sơ đang chờ chính người lập ký."))
    if not can(actor, "records.record.edit", record):
        raise NotAllowed(_("Chỉ người lập hồ sơ mới rút lại được."))
    _close(workflow, WorkflowState.RETURNED)
    _set_state(record, RecordState.DRAFT)
    _event(record, workflow.version, EventKind.WITHDRAWN, actor)
    _audit("records.record.withdrawn", actor, record, ip, version=workflow.version.number)
    _reindex(record)
    return record


@transaction.atomic
def workflow_signing_step_done(
    *,
    actor: Any,
    record_id: int,
    action: str,
    signed: BlobRef | None = None,
    index: int | None = None,
    part: str = "",
    ip: str = "",
) -> Record:
    """Extension point for hoso.signing: the pending sign, approve-sign or seal step `index`
    (by default the one `actor` would take) is done by `actor` (`action` is the kind of
    signature: sign or seal); `signed` is the new signed PDF in the blob store (the original
    stays untouched). On a subject teachers' step `part` is the subject the signature is for:
    the step is done once every subject of the class is signed."""
    record, workflow = _lock(record_id)
    actions = {str(a) for a in StepAction if a != StepAction.REVIEW and signing_kind(a) == action}
    step = _pending_step(actor, workflow, actions, index)
    assert workflow is not None
    version = RecordVersion.objects.select_for_update().get(pk=workflow.version_id)
    if signed is not None:
        version.signed_sha256 = signed.sha256
        version.save(update_fields=["signed_sha256"])
    approves = step["action"] == StepAction.APPROVE_SIGN
    if approves:
        _event(record, version, EventKind.APPROVED, actor, str(step["role"]))
        _audit("records.record.approved", actor, record, ip, step=step["index"], signed=True)
    kind = EventKind.SIGNED if action == StepAction.SIGN else EventKind.SEALED
    if step["role"] == SUBJECT_TEACHERS:
        _subject_signed(record, step, actor, part)
    _event(record, version, kind, actor, _subject_name(record, part))
    extra = {"subject": part} if part else {}
    _audit(f"records.version.{kind}", actor, record, ip, version=version.number, **extra)
    if step["role"] == SUBJECT_TEACHERS and to_sign(
        record.unit_id, record.school_year_id, step["signed"]
    ):  # other subjects still wait for their teachers
        _copy_first_open(workflow)
        workflow.save(update_fields=STEP_FIELDS)
        return record
    if not _take_step(workflow, step["index"]):  # others of the stage have still to sign
        workflow.save(update_fields=STEP_FIELDS)
        return record
    if workflow.current_step() is None:
        _issue(record, workflow, actor, ip)
        return record
    workflow.save(update_fields=STEP_FIELDS)
    if approves:
        _set_state(record, RecordState.APPROVED)
        title = _("Hồ sơ đã được duyệt: %(title)s") % {"title": record.title}
        notify([record.owner_id], title=title, url=_record_url(record))
    _notify_pending(
        workflow,
        _("Hồ sơ chờ %(pending_label)s: %(title)s")
        % {"pending_label": workflow.pending_label.lower(), "title": record.title},
    )
    return record


def _subject_signed(record: Record, step: dict[str, Any], actor: Any, part: str) -> None:
    """Mark `part` signed by `actor` on the open subject teachers' step (in place)."""
    mine = {
        t.code
        for t in to_sign(record.unit_id, record.school_year_id, step.get("signed") or {})
        if t.teacher_id == actor.pk
    }
    if part not in mine:
        raise NotAllowed(gettext("Bạn không phải giáo viên bộ môn còn phải ký môn này của lớp."))
    step["signed"] = {**(step.get("signed") or {}), part: actor.pk}


def _subject_name(record: Record, part: str) -> str:
    if not part:
        return ""
    names = {t.code: t.name for t in taught_in(record.unit_id, record.school_year_id)}
    return names.get(part, part)


@transaction.atomic
def record_archive(*, actor: Any, record_id: int, ip: str = "") -> Record:
    record, _workflow = _lock(record_id)
    if not can(actor, "records.record.archive", record):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được đưa hồ sơ vào lưu trữ."))
    if record.state != RecordState.ISSUED:
        raise Conflict(_("Chỉ hồ sơ đã ban hành mới được đưa vào lưu trữ."))
    _set_state(record, RecordState.ARCHIVED)
    _event(record, None, EventKind.ARCHIVED, actor)
    _audit("records.record.archived", actor, record, ip)
    _reindex(record)
    return record


# --- helpers ------------------------------------------------------------------------------------


def _pending_step(
    actor: Any, workflow: Workflow | None, actions: set[str], index: int | None = None
) -> dict[str, Any]:
    """The open step `actor` takes now (step `index` when given): {"index", "role" as
    resolved, "action", "user"?}."""
    if workflow is None:
        raise Conflict(NOT_PENDING)
    step = workflow.current_step()
    if step is None or step["action"] not in actions:
        raise Conflict(NOT_PENDING)
    return acting_step(actor, workflow, index)


def acting_step(actor: Any, workflow: Workflow, index: int | None = None) -> dict[str, Any]:
    """The open step of the current stage `actor` may take (step `index` when given), or
    NotAllowed / Conflict when there is none for them."""
    from hoso.records.policies import steps_open_to

    mine = steps_open_to(actor, workflow)
    if index is not None:
        if all(s["index"] != index for s in workflow.open_steps):
            raise Conflict(NOT_PENDING)
        mine = [s for s in mine if s["index"] == index]
    if not mine:
        raise NotAllowed(OUTSIDE_CHAIN)
    return mine[0]


def _issue(record: Record, workflow: Workflow, actor: Any, ip: str) -> None:
    now = timezone.now()
    RecordVersion.objects.filter(pk=workflow.version_id, issued_at__isnull=True).update(
        issued_at=now
    )
    _close(workflow, WorkflowState.ISSUED)
    _set_state(record, RecordState.ISSUED)
    _event(record, workflow.version, EventKind.ISSUED, actor)
    audit_log(
        "records.version.issued",
        actor=actor,
        obj=workflow.version,
        unit_id=record.school_id,
        ip=ip,
        data={"record": record.pk, "version": workflow.version.number},
    )
    emit(RECORD_ISSUED, unit_id=record.school_id, data=_issued_event_data(record, workflow))
    notify(
        [record.owner_id],
        title=_("Hồ sơ đã ban hành: %(title)s") % {"title": record.title},
        url=_record_url(record),
    )


def _issued_event_data(record: Record, workflow: Workflow) -> dict[str, Any]:
    """What a webhook learns of an issued record: ids and labels, no content."""
    return {
        "record": record.pk,
        "version": workflow.version.number,
        "title": record.title,
        "record_type": record.record_type.code,
        "unit": record.unit_id,
        "issued_at": timezone.now().isoformat(),
    }


def _close(workflow: Workflow, state: str) -> None:
    workflow.state, workflow.is_open, workflow.closed_at = state, False, timezone.now()
    workflow.pending_role = workflow.pending_action = workflow.pending_keys = ""
    workflow.pending_user_id = None
    workflow.open_steps = []
    workflow.save(update_fields=["is_open", "closed_at", *STEP_FIELDS])


def _set_state(record: Record, state: str) -> None:
    record.state = state
    record.save(update_fields=["state", "updated_at"])


def _comment(version: RecordVersion, actor: Any, body: str) -> Comment:
    return Comment.objects.create(
        version=version, author=actor, body=body.strip()[:5000], created_at=timezone.now()
    )


def _notify_pending(workflow: Workflow, title: str) -> None:
    notify(pending_people(workflow), title=title, url=_record_url(workflow.record))
