"""Directives down: issue an office's signed document to units below, record who opened it,
take the units' acknowledgements and replies, remind the late ones; the audit entries of their
downloads (the status workbook, the signed PDF).

Every write: one transaction, an audit entry, a Vietnamese DomainError on bad input and
nothing stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.offices.models import (
    Audience,
    Directive,
    DirectiveOpen,
    DirectiveRecipient,
    ReplyKind,
)
from hoso.offices.policies import SCHOOL_RECEIVERS
from hoso.offices.selectors import units_below
from hoso.org.models import RoleAssignment, SchoolLevel, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.policy.grants import OFFICE_ROLES
from hoso.records.models import Record, RecordState
from hoso.records.notify import notify

MAX_TITLE = 255
MAX_TEXT = 5000


def clean(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(
            _("Hãy nhập %(label)s.") % {"label": label},
            fields={field: [_("Hãy nhập %(label)s.") % {"label": label}]},
        )
    if len(text) > limit:
        message = _("%(label)s dài quá %(limit)s ký tự.") % {
            "label": label.capitalize(),
            "limit": limit,
        }
        raise DomainError(message, fields={field: [message]})
    return text


def resolve_audience(
    office: Unit, audience: str, *, level: str = "", unit_ids: Iterable[int] = ()
) -> list[Unit]:
    below = units_below(office)
    if audience == Audience.ALL:
        units = list(below)
    elif audience == Audience.LEVEL:
        if level not in SchoolLevel.values:
            raise DomainError(_("Hãy chọn cấp học."), fields={"level": [_("Hãy chọn cấp học.")]})
        units = list(below.filter(kind=UnitKind.TRUONG, level=level))
    elif audience == Audience.LIST:
        units = _listed(office, below, list(unit_ids))
    else:
        raise DomainError(_("Hãy chọn nơi nhận."), fields={"audience": [_("Hãy chọn nơi nhận.")]})
    if not units:
        raise DomainError(
            _("Không có đơn vị nào nhận văn bản này."),
            fields={"audience": [_("Chưa có nơi nhận.")]},
        )
    return units


def _listed(office: Unit, below: QuerySet[Unit], unit_ids: list[int]) -> list[Unit]:
    if not unit_ids:
        raise DomainError(_("Hãy chọn ít nhất một đơn vị."), fields={"units": [_("Chưa chọn.")]})
    found = below.in_bulk(unit_ids)
    outside = [uid for uid in dict.fromkeys(unit_ids) if uid not in found]
    if outside:
        names = ", ".join(
            Unit.objects.filter(pk__in=outside).values_list("name", flat=True)
        ) or ", ".join(str(uid) for uid in outside)
        message = _("Đơn vị không thuộc phạm vi quản lý của %(name)s: %(names)s.") % {
            "name": office.name,
            "names": names,
        }
        raise DomainError(message, fields={"units": [message]})
    return sorted(found.values(), key=lambda unit: unit.path)


def _issued_record(actor: Any, office: Unit, record_id: int) -> Record:
    record = (
        Record.objects.select_related("school", "record_type")
        .filter(pk=record_id, school=office)
        .first()
    )
    if record is None or not can(actor, "records.record.view", record):
        raise NotFound(
            _("Không tìm thấy văn bản của đơn vị bạn."), fields={"record": [NOT_FOUND_MESSAGE]}
        )
    if record.state not in (RecordState.ISSUED, RecordState.ARCHIVED):
        message = _("Văn bản chưa ban hành (chưa ký, đóng dấu xong); chưa gửi được.")
        raise Conflict(message, fields={"record": [message]})
    return record


@transaction.atomic
def directive_issue(
    *,
    actor: Any,
    office: Unit,
    record_id: int,
    title: str = "",
    number: str = "",
    summary: str = "",
    audience: str,
    level: str = "",
    unit_ids: Iterable[int] = (),
    reply_kind: str = ReplyKind.NONE,
    reply_due_at: dt.datetime | None = None,
    for_parents: bool = False,
    ip: str = "",
) -> Directive:
    """Send the office's issued record to the units of the audience; `for_parents`: also to
    the parents of the pupils of the schools among them (hoso.families shows it to those who
    have consented)."""
    if not can(actor, "offices.office.act", office):
        raise NotAllowed(_("Bạn không làm việc ở đơn vị này nên không gửi văn bản thay đơn vị."))
    record = _issued_record(actor, office, record_id)
    version = record.versions.filter(issued_at__isnull=False).order_by("-number").first()
    if version is None:
        raise Conflict(_("Văn bản chưa có phiên bản đã ban hành."))
    title = clean(title or record.title, field="title", label=_("trích yếu"), limit=MAX_TITLE)
    number = clean(number, field="number", label=_("số, ký hiệu"), limit=50, required=False)
    summary = clean(
        summary, field="summary", label=_("nội dung tóm tắt"), limit=MAX_TEXT, required=False
    )
    if reply_kind not in ReplyKind.values:
        raise DomainError(
            _("Hãy chọn yêu cầu phản hồi."), fields={"reply_kind": [_("Không hợp lệ.")]}
        )
    now = timezone.now()
    if reply_kind != ReplyKind.NONE:
        if reply_due_at is None:
            message = _("Hãy ghi hạn phản hồi.")
            raise DomainError(message, fields={"reply_due_at": [message]})
        if reply_due_at <= now:
            message = _("Hạn phản hồi phải sau thời điểm gửi.")
            raise DomainError(message, fields={"reply_due_at": [message]})
    else:
        reply_due_at = None
    units = resolve_audience(office, audience, level=level, unit_ids=unit_ids)
    if for_parents and not any(unit.kind == UnitKind.TRUONG for unit in units):
        message = _("Văn bản gửi cả phụ huynh học sinh phải gửi đến ít nhất một trường.")
        raise DomainError(message, fields={"for_parents": [message]})
    year = current_year()
    if year is None:
        raise Conflict(_("Chưa có năm học hiện tại."))
    directive = Directive.objects.create(
        office=office,
        school_year=year,
        number=number,
        title=title,
        summary=summary,
        record=record,
        version=version,
        audience=audience,
        audience_level=level if audience == Audience.LEVEL else "",
        reply_kind=reply_kind,
        reply_due_at=reply_due_at,
        for_parents=for_parents,
        issued_by=actor,
        issued_at=now,
    )
    DirectiveRecipient.objects.bulk_create(
        [DirectiveRecipient(directive=directive, unit=unit, received_at=now) for unit in units]
    )
    audit_log(
        "offices.directive.issued",
        actor=actor,
        obj=directive,
        unit_id=office.pk,
        ip=ip,
        data={
            "record": record.pk,
            "version": version.number,
            "units": len(units),
            "for_parents": for_parents,
        },
    )
    notify(
        receivers(units, year),
        title=_("Văn bản chỉ đạo mới: %(title)s") % {"title": title},
        body=(
            _("%(office)s gửi, hạn phản hồi %(due)s.")
            % {"office": office.name, "due": _vn(reply_due_at)}
            if reply_due_at
            else _("%(office)s gửi.") % {"office": office.name}
        ),
        url=reverse("offices:inbox"),
    )
    return directive


def receivers(units: Iterable[Unit], year: Any) -> list[int]:
    """People who receive for the units: a school's leaders and clerk, a Phòng's staff."""
    schools = [u.pk for u in units if u.kind == UnitKind.TRUONG]
    offices = [u.pk for u in units if u.kind != UnitKind.TRUONG]
    people = RoleAssignment.objects.filter(school_year=year).filter(
        unit_id__in=schools, role__in=SCHOOL_RECEIVERS
    ) | RoleAssignment.objects.filter(school_year=year, unit_id__in=offices, role__in=OFFICE_ROLES)
    return list(people.values_list("user_id", flat=True).distinct())


def _vn(when: dt.datetime | None) -> str:
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""


def _locked_recipient(actor: Any, recipient_id: int, action: str) -> DirectiveRecipient:
    recipient = (
        DirectiveRecipient.objects.select_for_update(of=("self",))
        .select_related("directive", "unit", "directive__office")
        .filter(pk=recipient_id)
        .first()
    )
    if recipient is None or not can(actor, "offices.recipient.view", recipient):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, action, recipient):
        raise NotAllowed(_("Bạn không nhận văn bản thay đơn vị này."))
    return recipient


@transaction.atomic
def directive_open(*, actor: Any, recipient_id: int, ip: str = "") -> DirectiveRecipient:
    """A person of the recipient unit opened the directive: the first time per person is
    kept (and audited); later openings change nothing."""
    recipient = _locked_recipient(actor, recipient_id, "offices.recipient.view")
    if DirectiveOpen.objects.filter(recipient=recipient, user=actor).exists():
        return recipient
    now = timezone.now()
    try:
        with transaction.atomic():
            DirectiveOpen.objects.create(recipient=recipient, user=actor, at=now)
    except IntegrityError:  # the same person in two tabs at once
        return recipient
    if recipient.first_opened_at is None:
        recipient.first_opened_at, recipient.first_opened_by = now, actor
        recipient.save(update_fields=["first_opened_at", "first_opened_by"])
    audit_log(
        "offices.directive.opened",
        actor=actor,
        obj=recipient.directive,
        unit_id=recipient.unit_id,
        ip=ip,
        data={"recipient": recipient.pk},
    )
    return recipient


@transaction.atomic
def directive_answer(
    *, actor: Any, recipient_id: int, text: str = "", ip: str = ""
) -> DirectiveRecipient:
    """Acknowledge (text optional) or reply (text required) for the unit, once."""
    recipient = _locked_recipient(actor, recipient_id, "offices.recipient.answer")
    directive = recipient.directive
    if directive.reply_kind == ReplyKind.NONE:
        raise Conflict(_("Văn bản này chỉ để biết, không yêu cầu phản hồi."))
    if recipient.answered_at is not None:
        raise Conflict(
            _("Đơn vị đã phản hồi văn bản này lúc %(at)s; không gửi lần thứ hai.")
            % {"at": _vn(recipient.answered_at)}
        )
    required = directive.reply_kind == ReplyKind.REPLY
    text = clean(text, field="text", label=_("nội dung trả lời"), limit=MAX_TEXT, required=required)
    now = timezone.now()
    if recipient.first_opened_at is None:
        recipient.first_opened_at, recipient.first_opened_by = now, actor
    recipient.answered_at, recipient.answered_by, recipient.answer_text = now, actor, text
    recipient.save(
        update_fields=[
            "answered_at",
            "answered_by",
            "answer_text",
            "first_opened_at",
            "first_opened_by",
        ]
    )
    DirectiveOpen.objects.get_or_create(recipient=recipient, user=actor, defaults={"at": now})
    late = directive.reply_due_at is not None and now > directive.reply_due_at
    audit_log(
        "offices.directive.answered",
        actor=actor,
        obj=directive,
        unit_id=recipient.unit_id,
        ip=ip,
        data={"recipient": recipient.pk, "late": late},
    )
    return recipient


def unanswered(directive: Directive) -> QuerySet[DirectiveRecipient]:
    """Units that still owe what the directive asks: an answer, or at least to open it."""
    rows = directive.recipients.all()
    if directive.reply_kind == ReplyKind.NONE:
        return rows.filter(first_opened_at__isnull=True)
    return rows.filter(answered_at__isnull=True)


@transaction.atomic
def directive_remind(*, actor: Any, directive_id: int, ip: str = "") -> int:
    """Remind every unit that has not yet done what the directive asks; returns how many."""
    directive = Directive.objects.select_for_update().filter(pk=directive_id).first()
    if directive is None or not can(actor, "offices.directive.view", directive):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can(actor, "offices.directive.manage", directive):
        raise NotAllowed(_("Chỉ đơn vị gửi văn bản mới nhắc được."))
    return _remind(directive, actor, ip)


def _remind(directive: Directive, actor: Any, ip: str) -> int:
    rows = list(unanswered(directive).select_related("unit"))
    if not rows:
        return 0
    now = timezone.now()
    DirectiveRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(reminded_at=now)
    if directive.reply_due_at:
        title = _("Nhắc: văn bản chỉ đạo chưa phản hồi (hạn %(due)s): %(title)s") % {
            "due": _vn(directive.reply_due_at),
            "title": directive.title,
        }
    else:
        title = _("Nhắc: văn bản chỉ đạo chưa phản hồi: %(title)s") % {"title": directive.title}
    notify(
        receivers([r.unit for r in rows], directive.school_year),
        title=title,
        url=reverse("offices:inbox"),
    )
    audit_log(
        "offices.directive.reminded",
        actor=actor,
        obj=directive,
        unit_id=directive.office_id,
        ip=ip,
        data={"units": len(rows)},
    )
    return len(rows)


@transaction.atomic
def directives_remind_due(*, now: dt.datetime | None = None) -> int:
    """The daily reminder: directives due within a day or overdue, units not reminded in the
    last day. Returns the number of units reminded."""
    now = now or timezone.now()
    due = Directive.objects.filter(
        reply_due_at__isnull=False,
        reply_due_at__lte=now + dt.timedelta(days=1),
        reply_due_at__gte=now - dt.timedelta(days=30),
    ).exclude(reply_kind=ReplyKind.NONE)
    total = 0
    for directive in due.select_for_update():
        stale = unanswered(directive).exclude(reminded_at__gte=now - dt.timedelta(days=1))
        if stale.exists():
            total += _remind(directive, directive.issued_by, "")
    return total


@transaction.atomic
def directive_exported(*, actor: Any, directive: Directive, ip: str = "") -> None:
    """The per-unit status workbook of a directive was downloaded."""
    audit_log(
        "offices.directive.exported",
        actor=actor,
        obj=directive,
        unit_id=directive.office_id,
        ip=ip,
    )


@transaction.atomic
def directive_file_downloaded(*, actor: Any, recipient: DirectiveRecipient, ip: str = "") -> None:
    """A person of a recipient unit downloaded the directive's signed PDF."""
    version = recipient.directive.version
    audit_log(
        "records.version.downloaded",
        actor=actor,
        obj=version,
        unit_id=recipient.unit_id,
        ip=ip,
        data={"what": "pdf", "sha256": version.viewing_sha256, "directive": recipient.directive_id},
    )
