"""Pages of inspections (kiểm tra) and of a school's gradebook entry progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.offices import forms, selectors
from hoso.offices.models import Inspection
from hoso.offices.services import inspections
from hoso.org.models import Unit, UnitKind
from hoso.policy import can, get_or_404
from hoso.records.models import RecordType

PAGE = 200


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    rows = selectors.inspections_visible_to(request.user)
    return get_or_404(request.user, "offices.inspection.view", rows, pk=pk)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.inspections_visible_to(request.user)[:PAGE]
    context = {"rows": rows, "can_open": can(request.user, "offices.office.act")}
    return render(request, "offices/inspections.html", context)


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    offices, office = selectors.office_choice(request.user, data.get("office"))
    if office is None:
        raise Http404(_("Chỉ cán bộ Phòng, Sở GDĐT mở đợt kiểm tra."))
    schools = Unit.objects.filter(kind=UnitKind.TRUONG, path__startswith=office.path).order_by(
        "name"
    )
    context: dict[str, Any] = {
        "offices": offices,
        "office": office,
        "schools": schools,
        "types": RecordType.objects.filter(is_active=True)
        .exclude(keeper="OFFICE")
        .order_by("code"),
        "form": data,
        "chosen_types": data.getlist("types"),
        "error": None,
    }
    if request.method == "POST":
        try:
            created = inspections.inspection_open(
                actor=request.user,
                office=office,
                school_id=forms.parse_id(data.get("school"), field="school", label=_("trường")),
                title=data.get("title", ""),
                decision=data.get("decision", ""),
                type_codes=data.getlist("types"),
                gradebook=data.get("gradebook") == "1",
                library=data.get("library") == "1",
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            return HttpResponseRedirect(reverse("offices:inspection", args=[created.pk]))
    status = 400 if context["error"] else 200
    return render(request, "offices/inspection_new.html", context, status=status)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    context = {
        "inspection": inspection,
        "can_work": can(request.user, "offices.inspection.work", inspection),
        **selectors.inspection_reads(request.user, inspection),
    }
    return render(request, "offices/inspection_detail.html", context)


def _act(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    inspection = _inspection(request, pk)
    try:
        action(inspection)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(reverse("offices:inspection", args=[inspection.pk]))


@login_required
@require_POST
def finding_save(request: HttpRequest, pk: int) -> HttpResponse:
    def save(inspection: Inspection) -> None:
        inspections.finding_save(
            actor=request.user,
            inspection_id=inspection.pk,
            item=request.POST.get("item", ""),
            strengths=request.POST.get("strengths", ""),
            weaknesses=request.POST.get("weaknesses", ""),
            recommendation=request.POST.get("recommendation", ""),
            evidence=forms.parse_ids(request.POST.getlist("evidence"), field="evidence"),
            ip=client_ip(request),
        )

    return _act(request, pk, save, _("Đã lưu kết luận."))


@login_required
@require_POST
def minutes_draw_up(request: HttpRequest, pk: int) -> HttpResponse:
    def draw(inspection: Inspection) -> None:
        inspections.minutes_draw_up(
            actor=request.user, inspection_id=inspection.pk, ip=client_ip(request)
        )

    return _act(request, pk, draw, _("Đã lập biên bản; hãy ký trên trang hồ sơ biên bản."))


@login_required
@require_POST
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    def send(inspection: Inspection) -> None:
        inspections.minutes_send(
            actor=request.user,
            inspection_id=inspection.pk,
            reply_due_at=forms.parse_due(request.POST.get("reply_due_at"), required=True),
            ip=client_ip(request),
        )

    return _act(request, pk, send, _("Đã gửi biên bản cho trường."))


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Gradebook entry progress of one school: its leaders and the offices above."""
    school, year, rows = selectors.school_progress_now(request.user, pk)
    context = {"school": school, "rows": rows, "year": year}
    return render(request, "offices/progress.html", context)
