"""Reads for the offices pages, API and services: querysets already narrowed by the policy
module, and the reads about what the caller was allowed (an office's units, a stored file, the
items of an inspection)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.errors import NotAllowed
from hoso.offices.models import (
    Directive,
    DirectiveRecipient,
    Inspection,
    ReplyKind,
    ReportAssignment,
    ReportRequest,
    ReportState,
)
from hoso.org.models import Unit, UnitKind
from hoso.policy import can, visible
from hoso.records.models import Record, RecordState, RecordType
from hoso.storage import blob_store

OFFICE_KINDS = (UnitKind.PHONG, UnitKind.SO)


def directives_visible_to(user: Any) -> QuerySet[Directive]:
    return visible(
        user, "offices.directive.view", Directive.objects.select_related("office", "version")
    )


def directive_list(user: Any) -> QuerySet[Directive]:
    return directives_visible_to(user).annotate(
        units=Count("recipients", distinct=True),
        opened=Count("recipients", filter=Q(recipients__first_opened_at__isnull=False)),
        answered=Count("recipients", filter=Q(recipients__answered_at__isnull=False)),
    )


def inbox_visible_to(user: Any) -> QuerySet[DirectiveRecipient]:
    rows = DirectiveRecipient.objects.select_related(
        "directive", "directive__office", "unit", "first_opened_by", "answered_by"
    )
    return visible(user, "offices.recipient.view", rows).order_by("-directive__issued_at", "-id")


def directive_rows_owing(offices: list[Unit], year: Any, now: Any) -> QuerySet[DirectiveRecipient]:
    """Recipients of the offices' directives of the year that asked for an answer by a date
    now past and have not answered (the caller acts for those offices)."""
    return DirectiveRecipient.objects.filter(
        directive__office__in=offices,
        directive__school_year=year,
        directive__reply_due_at__lt=now,
        answered_at__isnull=True,
    ).exclude(directive__reply_kind="none")


def offices_of(user: Any) -> list[Unit]:
    """The Phòng and Sở the person works in (an issuing form's choice)."""
    units = Unit.objects.filter(kind__in=(UnitKind.PHONG, UnitKind.SO)).order_by("path")
    return [unit for unit in units if can(user, "offices.office.act", unit)]


def office_choice(user: Any, wanted: str | None) -> tuple[list[Unit], Unit | None]:
    """The person's offices and the one a form names (`wanted`, its `office` field), else the
    first; the office is None when the person works in no Phòng or Sở."""
    offices = offices_of(user)
    first = offices[0] if offices else None
    return offices, next((o for o in offices if str(o.pk) == wanted), first)


def office_of(actor: Any, office_id: int | None = None) -> Unit:
    """The Phòng or Sở the actor works in (the one chosen, when they work in several)."""
    offices = Unit.objects.filter(kind__in=OFFICE_KINDS).order_by("path")
    if office_id is not None:
        offices = offices.filter(pk=office_id)
    for office in offices:
        if can(actor, "offices.office.act", office):
            return office
    raise NotAllowed(_("Chỉ cán bộ của Phòng hoặc Sở GDĐT mới thực hiện được việc này."))


def units_below(office: Unit) -> QuerySet[Unit]:
    """Units an office sends to: the schools below it and, for a Sở, its Phòng."""
    return (
        Unit.objects.filter(
            path__startswith=office.path,
            kind__in=(UnitKind.TRUONG, UnitKind.PHONG),
            is_active=True,
        )
        .exclude(pk=office.pk)
        .order_by("path")
    )


def issued_office_records(user: Any, offices: list[Unit]) -> QuerySet[Record]:
    """The offices' issued records a directive can carry, newest first."""
    from hoso.records.selectors import records_visible_to

    return (
        records_visible_to(user)
        .filter(school__in=offices, state__in=(RecordState.ISSUED, RecordState.ARCHIVED))
        .select_related("record_type", "school")
        .order_by("-updated_at")
    )


@dataclass(frozen=True)
class RecipientRow:
    recipient: DirectiveRecipient
    status: str
    late: bool
    opened_by: list[tuple[str, Any]]


def recipient_status(directive: Directive, recipient: DirectiveRecipient, now: Any) -> str:
    if recipient.answered_at is not None:
        return _("Đã phản hồi")
    if recipient.first_opened_at is not None:
        return _("Đã mở")
    return _("Chưa mở")


def is_late(directive: Directive, recipient: DirectiveRecipient, now: Any) -> bool:
    """Still owing an answer after the due time, or answered after it."""
    due = directive.reply_due_at
    if due is None or directive.reply_kind == ReplyKind.NONE:
        return False
    done = recipient.answered_at
    return (done is None and now > due) or (done is not None and done > due)


def directive_rows(directive: Directive) -> list[RecipientRow]:
    """One row per unit: status, late or not, and everyone of the unit who opened it."""
    now = timezone.now()
    rows = (
        directive.recipients.select_related("unit", "first_opened_by", "answered_by")
        .prefetch_related("opens__user")
        .order_by("unit__path")
    )
    return [
        RecipientRow(
            recipient=row,
            status=recipient_status(directive, row, now),
            late=is_late(directive, row, now),
            opened_by=[(_name(o.user), o.at) for o in row.opens.all()],
        )
        for row in rows
    ]


def _name(user: Any) -> str:
    return str(user.first_name or user.username)


# --- reports up ----------------------------------------------------------------------------------


def reports_visible_to(user: Any) -> QuerySet[ReportRequest]:
    return visible(
        user, "offices.report.view", ReportRequest.objects.select_related("office", "school_year")
    )


def report_list(user: Any) -> QuerySet[ReportRequest]:
    return reports_visible_to(user).annotate(
        asked=Count("units", distinct=True),
        submitted=Count("units", filter=Q(units__state=ReportState.SUBMITTED)),
        late=Count("units", filter=Q(units__state=ReportState.SUBMITTED, units__late=True)),
    )


def assignments_visible_to(user: Any) -> QuerySet[ReportAssignment]:
    rows = ReportAssignment.objects.select_related(
        "request", "request__office", "unit", "submitted_by", "record"
    )
    return visible(user, "offices.assignment.view", rows)


def reports_due_for(user: Any) -> QuerySet[ReportAssignment]:
    """The reports the person's units are asked for (not the office's view)."""
    from hoso.offices.policies import receiving_units
    from hoso.policy.grants import grants_for

    return (
        assignments_visible_to(user)
        .filter(unit_id__in=receiving_units(grants_for(user)))
        .order_by("request__deadline", "id")
    )


@dataclass(frozen=True)
class ReportStatus:
    submitted: list[ReportAssignment]
    late: list[ReportAssignment]
    missing: list[ReportAssignment]
    returned: list[ReportAssignment]
    rows: list[ReportAssignment]


def report_status(request: ReportRequest) -> ReportStatus:
    """Submitted (on time or late), returned, and missing — missing only once the deadline
    has passed; before it, not yet sent units are simply pending (in `rows`)."""
    rows = list(
        request.units.select_related("unit", "submitted_by", "record").order_by("unit__path")
    )
    past = timezone.now() > request.deadline
    submitted = [r for r in rows if r.state == ReportState.SUBMITTED]
    return ReportStatus(
        submitted=submitted,
        late=[r for r in submitted if r.late],
        missing=[r for r in rows if r.state != ReportState.SUBMITTED and past],
        returned=[r for r in rows if r.state == ReportState.RETURNED],
        rows=rows,
    )


def read_blob(sha256: str) -> bytes:
    with blob_store().open(sha256) as stream:
        data: bytes = stream.read()
    return data


def units_owning_records(user: Any, unit_id: int) -> QuerySet[Record]:
    """The unit's issued records the person may attach as the signed report, newest first."""
    from hoso.records.selectors import records_visible_to

    return (
        records_visible_to(user)
        .filter(school_id=unit_id, state__in=(RecordState.ISSUED, RecordState.ARCHIVED))
        .select_related("record_type")
        .order_by("-updated_at")
    )


# --- inspections ---------------------------------------------------------------------------------

GRADEBOOK, LIBRARY = "gradebook", "library"


def item_label(item: str) -> str:
    if item == GRADEBOOK:
        return _("Tiến độ nhập điểm")
    if item == LIBRARY:
        return _("Thư viện")
    code = item.removeprefix("type:")
    found = RecordType.objects.filter(code=code).values_list("name", flat=True).first()
    return found or code


def scope_items(inspection: Inspection) -> list[str]:
    items = [f"type:{code}" for code in inspection.scope_types]
    if inspection.scope_gradebook:
        items.append(GRADEBOOK)
    if inspection.scope_library:
        items.append(LIBRARY)
    return items


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    rows = Inspection.objects.select_related("office", "school", "minutes", "directive")
    return visible(user, "offices.inspection.view", rows)


@dataclass(frozen=True)
class InspectionItem:
    """One scope item of an inspection: what it is, the finding written for it, and the
    school's records of that type the reader may open (the first 50)."""

    item: str
    label: str
    finding: Any
    records: list[Record]


def inspection_items(user: Any, inspection: Inspection) -> list[InspectionItem]:
    from hoso.records.selectors import records_visible_to

    findings = {f.item: f for f in inspection.findings.all()}
    school_records = records_visible_to(user).filter(
        school=inspection.school, school_year=inspection.school_year
    )
    items = []
    for item in scope_items(inspection):
        code = item.removeprefix("type:") if item.startswith("type:") else None
        records = (
            list(school_records.filter(record_type__code=code).select_related("owner")[:50])
            if code
            else []
        )
        items.append(InspectionItem(item, item_label(item), findings.get(item), records))
    return items


def inspection_reads(user: Any, inspection: Inspection) -> dict[str, Any]:
    """What an inspection's page and API show besides the inspection: its scope items, the
    gradebook progress and the library figures when in scope, and the school's side of the
    biên bản once sent (its recipient row)."""
    from hoso.offices.figures import school_library_figures
    from hoso.offices.progress import school_progress

    school, year = inspection.school, inspection.school_year
    directive = inspection.directive
    return {
        "items": inspection_items(user, inspection),
        "progress": school_progress(school, year) if inspection.scope_gradebook else [],
        "library": school_library_figures(school, year) if inspection.scope_library else None,
        "recipient": directive.recipients.select_related("directive").first()
        if directive
        else None,
    }


def school_progress_now(user: Any, school_id: int) -> tuple[Unit, Any, list[Any]]:
    """A school the person may follow (404 otherwise), the current year and its gradebook
    entry progress (empty without a current year)."""
    from hoso.offices.progress import school_progress
    from hoso.org.years import current_year
    from hoso.policy import get_or_404

    schools = Unit.objects.filter(kind=UnitKind.TRUONG)
    school = get_or_404(user, "offices.progress.view", schools, pk=school_id)
    year = current_year()
    return school, year, school_progress(school, year) if year else []
