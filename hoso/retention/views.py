"""Pages: proposals (list, detail with the retention basis, approve with the passphrase,
refuse with a reason), retention periods, and the retention/destruction panel of a record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import can, get_or_404, visible
from hoso.records.models import RecordType
from hoso.records.selectors import records_visible_to
from hoso.retention import expiry, selectors, services
from hoso.retention.models import DestructionProposal, ProposalItem

PAGE = 200


def _proposal(request: HttpRequest, pk: int) -> DestructionProposal:
    return get_or_404(
        request.user, "retention.proposal.view", selectors.proposals_for(request.user), pk=pk
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.proposals_for(request.user).order_by("-created_at", "-id")[:PAGE]
    return render(request, "retention/list.html", {"proposals": rows})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    items = (
        ProposalItem.objects.filter(proposal=proposal)
        .select_related("record", "record__record_type", "record__owner", "record__school_year")
        .order_by("record__record_type__code", "record__school_year__end_date", "record_id")
    )
    return render(
        request,
        "retention/detail.html",
        {
            "proposal": proposal,
            "items": items,
            "can_decide": can(request.user, "retention.proposal.decide", proposal),
            "basis": expiry.LEGAL_BASIS,
        },
    )


def _decide(request: HttpRequest, pk: int, approve: bool) -> HttpResponse:
    proposal = _proposal(request, pk)
    back = reverse("retention:detail", args=[proposal.pk])
    try:
        if approve:
            services.proposal_approve(
                actor=request.user,
                proposal_id=proposal.pk,
                passphrase=request.POST.get("passphrase") or None,
                pin=request.POST.get("pin") or None,
                ip=client_ip(request),
            )
        else:
            services.proposal_refuse(
                actor=request.user,
                proposal_id=proposal.pk,
                reason=request.POST.get("reason", ""),
                ip=client_ip(request),
            )
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Đã duyệt: biên bản tiêu hủy đã được ký số và ban hành; hồ sơ đã được tiêu hủy.")
        if approve
        else _("Đã ghi nhận: không duyệt đề nghị tiêu hủy."),
    )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def proposal_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    types = RecordType.objects.filter(is_active=True).select_related("retention_override")
    types = visible(request.user, "records.type.view", types)  # another province's: not here
    rows = [
        (t, expiry.retention_years(t), expiry.retention_source(t)) for t in types.order_by("code")
    ]
    return render(
        request,
        "retention/periods.html",
        {"rows": rows, "can_manage": can(request.user, "retention.period.manage", None)},
    )


@login_required
@require_POST
def period_set(request: HttpRequest, pk: int) -> HttpResponse:
    record_type = get_or_404(request.user, "records.type.view", RecordType.objects.all(), pk=pk)
    try:
        services.retention_period_set(
            actor=request.user,
            record_type_id=record_type.pk,
            years=request.POST.get("years", ""),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã đổi thời hạn lưu trữ của “%(name)s”.") % {"name": record_type.name}
        )
    return HttpResponseRedirect(reverse("retention:periods"))


@login_required
def record_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The record page's retention panel (htmx fragment, or a page without htmx): the stub
    "Đã tiêu hủy theo biên bản số …" of a destroyed record, else its retention end."""
    record = get_or_404(
        request.user,
        "records.record.view",
        records_visible_to(request.user).select_related("record_type", "school_year"),
        pk=pk,
    )
    context = {
        "record": record,
        "destroyed": selectors.stub_of_record(record),
        "end": expiry.retention_end(record),
        "years": expiry.retention_years(record.record_type),
        "fragment": bool(getattr(request, "htmx", False)),
    }
    page = "retention/_record_panel.html" if context["fragment"] else "retention/record_panel.html"
    return render(request, page, context)
