"""Writes of the retention app: retention periods, destruction proposals, the principal's
decision and the destruction itself (the files go afterwards, see sweep.py).

Approval in one transaction: re-check every record's period, build and sign the biên bản
(a signing failure raises and nothing changes: the proposal stays pending), write the stubs,
drop renditions and queue the files for removal after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.core.scheduling import later
from hoso.org.models import Role, RoleAssignment, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.models import Record, RecordType, RecordVersion
from hoso.records.notify import notify
from hoso.retention import expiry, stubs
from hoso.retention.minutes import minutes_issue, minutes_pdf
from hoso.retention.models import (
    DestroyedRecord,
    DestructionProposal,
    PendingBlob,
    ProposalItem,
    ProposalState,
    RetentionOverride,
)

MAX_REASON = 2000
MAX_YEARS = 100
# A refused record is proposed again only after this long (the principal said "not now").
REPROPOSE_AFTER = dt.timedelta(days=365)


def _clean_reason(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(
            _("Hãy nhập %(label)s.") % {"label": label},
            fields={field: [_("Hãy nhập %(label)s.") % {"label": label}]},
        )
    if len(text) > MAX_REASON:
        message = _("%(label)s dài quá %(max_reason)s ký tự.") % {
            "label": label.capitalize(),
            "max_reason": MAX_REASON,
        }
        raise DomainError(message, fields={field: [message]})
    return text


# --- retention periods --------------------------------------------------------------------


def _years(value: Any) -> int:
    try:
        years = int(str(value).strip())
    except (TypeError, ValueError):
        years = -1
    if not 0 <= years <= MAX_YEARS:
        message = _("Thời hạn lưu trữ phải là số năm từ 0 (vĩnh viễn) đến %(max_years)s.") % {
            "max_years": MAX_YEARS
        }
        raise DomainError(message, fields={"years": [message]})
    return years


@transaction.atomic
def retention_period_set(
    *, actor: Any, record_type_id: int, years: Any, reason: str, ip: str = ""
) -> RetentionOverride:
    """Set a type's retention period (Sở or administrator), with the legal basis."""
    record_type = (
        RecordType.objects.select_for_update(of=("self",))
        .select_related("owner_unit")
        .filter(pk=record_type_id)
        .first()
    )
    if record_type is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "retention.period.manage", record_type):
        raise NotAllowed(_("Chỉ Sở GDĐT hoặc quản trị hệ thống được thay đổi thời hạn lưu trữ."))
    new = _years(years)
    reason = _clean_reason(reason, "reason", _("căn cứ thay đổi thời hạn"))
    old = expiry.retention_years(record_type)
    override, _created = RetentionOverride.objects.update_or_create(
        record_type=record_type,
        defaults={"years": new, "reason": reason, "set_by": actor, "set_at": timezone.now()},
    )
    record_type.retention_years = new
    record_type.save(update_fields=["retention_years"])
    audit_log(
        "retention.period.changed",
        actor=actor,
        obj=record_type,
        ip=ip,
        data={"type": record_type.code, "old": old, "new": new, "reason": reason},
    )
    return override


# --- proposals ----------------------------------------------------------------------------


def principals_of(school: Unit) -> list[int]:
    year = current_year()
    rows = RoleAssignment.objects.filter(role=Role.HT, unit=school)
    if year is not None:
        rows = rows.filter(school_year=year)
    return list(rows.values_list("user_id", flat=True).distinct())


@transaction.atomic
def proposal_create(
    *, school: Unit, today: dt.date | None = None, actor: Any = None
) -> DestructionProposal | None:
    """Propose the school's records whose retention ended; None when there are none."""
    Unit.objects.select_for_update().filter(pk=school.pk).first()  # one run per school at once
    today = today or timezone.localdate()
    recently_refused = set(
        ProposalItem.objects.filter(
            proposal__school=school,
            proposal__state=ProposalState.REFUSED,
            proposal__decided_at__gte=timezone.now() - REPROPOSE_AFTER,
        ).values_list("record_id", flat=True)
    )
    found = [
        row for row in expiry.expired_records(school, today) if row[0].pk not in recently_refused
    ]
    if not found:
        return None
    proposal = DestructionProposal.objects.create(
        school=school, created_at=timezone.now(), created_by=actor
    )
    ProposalItem.objects.bulk_create(
        ProposalItem(proposal=proposal, record=record, retention_years=years, retention_end=end)
        for record, years, end in found
    )
    audit_log(
        "retention.proposal.created",
        actor=actor,
        actor_name="" if actor else "hệ thống",
        obj=proposal,
        unit_id=school.pk,
        data={"records": [record.pk for record, _, _ in found], "date": today.isoformat()},
    )
    notify(
        principals_of(school),
        title=_("Đề nghị tiêu hủy %(count)s hồ sơ hết thời hạn lưu trữ") % {"count": len(found)},
        body=_(
            "Các hồ sơ đã hết thời hạn lưu trữ theo Thông tư 08/2025/TT-BGDĐT. "
            "Hãy xem danh sách, rồi duyệt (ký biên bản tiêu hủy) hoặc không duyệt."
        ),
        url=reverse("retention:detail", args=[proposal.pk]),
    )
    return proposal


def proposals_create(*, today: dt.date | None = None) -> list[DestructionProposal]:
    """The monthly run: one proposal per school that has expired records."""
    made = []
    for school in Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True).order_by("pk"):
        proposal = proposal_create(school=school, today=today)
        if proposal is not None:
            made.append(proposal)
    return made


def _lock_for_decision(actor: Any, proposal_id: int) -> DestructionProposal:
    proposal = (
        DestructionProposal.objects.select_for_update(of=("self",))
        .select_related("school", "school__parent")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not can(actor, "retention.proposal.view", proposal):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "retention.proposal.decide", proposal):
        raise NotAllowed(
            _("Chỉ hiệu trưởng của trường được duyệt hoặc không duyệt đề nghị tiêu hủy.")
        )
    if proposal.state != ProposalState.PENDING:
        raise Conflict(_("Đề nghị này đã được quyết định; hãy tải lại trang."))
    return proposal


@transaction.atomic
def proposal_refuse(
    *, actor: Any, proposal_id: int, reason: str, ip: str = ""
) -> DestructionProposal:
    proposal = _lock_for_decision(actor, proposal_id)
    reason = _clean_reason(reason, "reason", _("lý do không duyệt"))
    proposal.state = ProposalState.REFUSED
    proposal.refusal_reason = reason
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save(update_fields=["state", "refusal_reason", "decided_at", "decided_by"])
    audit_log(
        "retention.proposal.refused",
        actor=actor,
        obj=proposal,
        unit_id=proposal.school_id,
        ip=ip,
        data={"reason": reason},
    )
    return proposal


def _next_number(school: Unit, when: dt.datetime) -> str:
    done = DestructionProposal.objects.filter(
        school=school, state=ProposalState.APPROVED, decided_at__year=when.year
    ).count()
    return f"{done + 1:02d}/BB-{school.code}"[:40]


def _check_expired(records: list[Record], today: dt.date) -> None:
    """Re-checked at execution: a period may have been lengthened since the proposal."""
    for record in records:
        if DestroyedRecord.objects.filter(record=record).exists():
            raise Conflict(
                _("Hồ sơ “%(title)s” đã được tiêu hủy trước đó.") % {"title": record.title}
            )
        if not expiry.has_expired(record, today):
            end = expiry.retention_end(record)
            until = (
                _("vĩnh viễn")
                if end is None
                else _("đến hết ngày %(end)s") % {"end": f"{end:%d/%m/%Y}"}
            )
            raise Conflict(
                _(
                    "Không tiêu hủy được: hồ sơ “%(title)s” chưa hết thời hạn lưu trữ (lưu "
                    "%(until)s). Hãy không duyệt đề nghị này; đề nghị mới sẽ được lập lại."
                )
                % {"title": record.title, "until": until}
            )


@transaction.atomic
def proposal_approve(
    *,
    actor: Any,
    proposal_id: int,
    passphrase: str | None = None,
    pin: str | None = None,
    certificate_id: int | None = None,
    ip: str = "",
) -> DestructionProposal:
    """Approve: the biên bản is signed by the principal, then the records are destroyed."""
    proposal = _lock_for_decision(actor, proposal_id)
    if not (passphrase or pin):
        message = _("Hãy nhập mật khẩu chứng thư số (hoặc PIN) để ký biên bản tiêu hủy.")
        raise DomainError(message, fields={"passphrase": [message]})
    records = list(
        Record.objects.select_for_update(of=("self",))
        .filter(pk__in=proposal.items.values("record_id"))
        .select_related("record_type", "record_type__retention_override", "school_year", "owner")
        .order_by("pk")
    )
    now = timezone.now()
    _check_expired(records, timezone.localdate())
    rows = [stubs.stub_of(record) for record in records]
    number = _next_number(proposal.school, now)
    pdf = minutes_pdf(
        school=proposal.school,
        number=number,
        when=now,
        rows=rows,
        principal=actor.get_full_name() or actor.username,
        basis=expiry.LEGAL_BASIS,
    )
    secret = {"passphrase": passphrase, "pin": pin, "certificate_id": certificate_id}
    minutes = minutes_issue(
        actor=actor, school=proposal.school, number=number, pdf=pdf, secret=secret, ip=ip
    )
    _destroy(proposal, records, rows, minutes, number, now)
    proposal.state = ProposalState.APPROVED
    proposal.decided_at, proposal.decided_by = now, actor
    proposal.minutes_number, proposal.minutes_record = number, minutes
    proposal.save(
        update_fields=["state", "decided_at", "decided_by", "minutes_number", "minutes_record"]
    )
    audit_log(
        "retention.proposal.approved",
        actor=actor,
        obj=proposal,
        unit_id=proposal.school_id,
        ip=ip,
        data={"records": [r.pk for r in records], "minutes": minutes.pk, "number": number},
    )
    from hoso.retention.tasks import sweep_proposal

    later(sweep_proposal, proposal.pk)  # files go after commit; resumable
    return proposal


def _destroy(
    proposal: DestructionProposal,
    records: list[Record],
    rows: list[dict[str, Any]],
    minutes: Record,
    number: str,
    now: dt.datetime,
) -> None:
    hashes: set[str] = set()
    for record, row in zip(records, rows, strict=True):
        row["minutes"] = {"number": number, "record": minutes.pk}
        DestroyedRecord.objects.create(record=record, proposal=proposal, destroyed_at=now, stub=row)
        hashes.update(file["sha256"] for file in row["files"])
        audit_log(
            "retention.record.destroyed",
            obj=record,
            actor_name="hệ thống",
            unit_id=record.school_id,
            data={"minutes": number, "files": len(row["files"])},
        )
    # Renditions are derived files: drop the pointers now (an issued version's original and
    # signed copy stay in its row, as the stub; the database forbids changing them).
    RecordVersion.objects.filter(record__in=records).update(
        pdf_sha256="", preview_sha256="", text_sha256=""
    )
    PendingBlob.objects.bulk_create(
        PendingBlob(proposal=proposal, hash=sha) for sha in sorted(hashes)
    )
