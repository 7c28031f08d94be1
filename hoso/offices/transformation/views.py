"""Pages of digital-transformation measures: the sets (an office's, and a school's sheets to
fill), a new set, a set's criteria and ranking with drill-down Sở → Phòng → school and its
Excel export, a school's sheet (breakdown, entry with evidence, submit, return)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.offices import selectors as office_selectors
from hoso.offices.exports import xlsx_response
from hoso.offices.models import AnswerKind, MeasureKind, SetState, SheetState
from hoso.offices.services.reports import FileIn
from hoso.offices.transformation import forms, scoring, selectors, services, services_figures
from hoso.offices.transformation.exports import scores_workbook
from hoso.offices.transformation.measures import MEASURES
from hoso.org.models import SchoolLevel
from hoso.policy import can

STALE_AFTER = dt.timedelta(hours=26)
MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _file_in(request: HttpRequest, name: str) -> FileIn | None:
    uploaded = request.FILES.get(name)
    if uploaded is None:
        return None
    return FileIn(uploaded.read(), uploaded.name or "")


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    context = {
        "sets": selectors.set_list(request.user)[:200],
        "to_fill": selectors.sheets_to_fill(request.user)[:50],
        "can_create": can(request.user, "offices.office.act"),
    }
    return render(request, "offices/dx_sets.html", context)


@login_required
def set_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    offices, office = office_selectors.office_choice(request.user, data.get("office"))
    if office is None:
        raise Http404(_("Chỉ cán bộ Phòng, Sở GDĐT lập bộ tiêu chí."))
    context: dict[str, Any] = {
        "offices": offices,
        "office": office,
        "levels": SchoolLevel.choices,
        "form": data,
        "error": None,
    }
    if request.method == "POST":
        try:
            created = services.criteria_set_create(
                actor=request.user,
                office=office,
                title=data.get("title", ""),
                description=data.get("description", ""),
                level=data.get("level", ""),
                opens_on=forms.parse_day(
                    data.get("opens_on"), field="opens_on", label=_("ngày bắt đầu")
                ),
                closes_on=forms.parse_day(
                    data.get("closes_on"), field="closes_on", label=_("hạn nộp")
                ),
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            messages.success(request, _("Đã tạo bộ tiêu chí; hãy thêm các tiêu chí."))
            return HttpResponseRedirect(reverse("offices:dx-set", args=[created.pk]))
    return render(
        request, "offices/dx_set_new.html", context, status=400 if context["error"] else 200
    )


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cset = selectors.set_for(request.user, pk)
    unit = selectors.phong_choice(request.user, cset, request.GET.get("unit"))
    manage = can(request.user, "offices.dx.set.manage", cset)
    table = selectors.ranking(request.user, cset, unit) if cset.state != SetState.DRAFT else None
    criteria = selectors.criteria_of(cset)
    context: dict[str, Any] = {
        "cset": cset,
        "stale": _stale(table.computed_at if table else None),
        "criteria": criteria,
        "total_points": sum(c.points for c in criteria),
        "problem": scoring.weights_problem(criteria) if cset.state == SetState.DRAFT else None,
        "table": table,
        "unit": unit,
        "can_manage": manage,
        "measures": MEASURES.values(),
        "answer_kinds": AnswerKind.choices,
        "kinds": MeasureKind.choices,
        "form": request.GET,
    }
    return render(request, "offices/dx_set.html", context)


def _stale(computed_at: dt.datetime | None) -> bool:
    """Figures older than a day and a bit: the nightly refresh did not run; said on the page."""
    return computed_at is not None and timezone.now() - computed_at > STALE_AFTER


def _act(request: HttpRequest, pk: int, action: Any, done: str, **extra: Any) -> HttpResponse:
    """Run a set service from a button; a refusal is said on the set's page."""
    cset = selectors.set_for(request.user, pk)
    try:
        result = action(actor=request.user, set_id=cset.pk, ip=client_ip(request), **extra)
    except DomainError as error:
        if error.status in (403, 404):
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("offices:dx-set", args=[cset.pk]))
    messages.success(request, done)
    target = getattr(result, "criteria_set_id", None) or getattr(result, "pk", None) or cset.pk
    return HttpResponseRedirect(reverse("offices:dx-set", args=[target]))


@login_required
@require_POST
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cset = selectors.set_for(request.user, pk)
    if not can(request.user, "offices.dx.set.manage", cset):
        raise Http404(_("Không tìm thấy."))
    if request.POST.get("remove"):
        return _act(
            request,
            pk,
            services.criterion_remove,
            _("Đã bỏ tiêu chí."),
            code=request.POST["remove"],
        )
    try:
        data = forms.criterion_in(request.POST)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("offices:dx-set", args=[cset.pk]))
    return _act(request, pk, services.criterion_add, _("Đã thêm tiêu chí."), data=data)


@login_required
@require_POST
def set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.criteria_set_publish, _("Đã ban hành bộ tiêu chí cho các trường.")
    )


@login_required
@require_POST
def set_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.criteria_set_close, _("Đã chốt kết quả và xếp hạng."))


@login_required
@require_POST
def set_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services_figures.figures_recompute,
        _("Đã tính lại số liệu tự động của các trường."),
    )


@login_required
@require_POST
def set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.criteria_set_copy, _("Đã tạo phiên bản mới (bản nháp)."))


@login_required
def set_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    cset = selectors.set_for(request.user, pk)
    if cset.state == SetState.DRAFT:
        raise Http404(_("Bộ tiêu chí chưa ban hành nên chưa có kết quả."))
    unit = selectors.phong_choice(request.user, cset, request.GET.get("unit"))
    table = selectors.ranking(request.user, cset, unit)
    book = scores_workbook(table)
    services.scores_exported(
        actor=request.user, cset=cset, rows=len(table.rows), ip=client_ip(request)
    )
    return xlsx_response(book, f"chuyen-doi-so-{cset.pk}.xlsx")


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_for(request.user, pk)
    error = None
    if request.method == "POST":
        if not can(request.user, "offices.dx.sheet.fill", sheet):
            raise Http404(_("Không tìm thấy."))
        try:
            record = request.POST.get("record", "")
            services.answer_save(
                actor=request.user,
                sheet_id=sheet.pk,
                criterion_id=forms.parse_int(
                    request.POST.get("criterion"), field="criterion", label=_("tiêu chí")
                ),
                value=request.POST.get("value", ""),
                note=request.POST.get("note", ""),
                upload=_file_in(request, "file"),
                record_id=forms.parse_int(record, field="record", label=_("hồ sơ"))
                if record
                else None,
                ip=client_ip(request),
            )
        except DomainError as problem:
            error = problem.message
        else:
            messages.success(request, _("Đã lưu kết quả tự đánh giá."))
            return HttpResponseRedirect(reverse("offices:dx-sheet", args=[sheet.pk]))
    result = selectors.sheet_breakdown(sheet)
    fill = can(request.user, "offices.dx.sheet.fill", sheet)
    open_ = sheet.criteria_set.state == SetState.OPEN and sheet.state != SheetState.SUBMITTED
    context: dict[str, Any] = {
        "sheet": sheet,
        "cset": sheet.criteria_set,
        "result": result,
        "can_fill": fill and open_,
        "can_submit": can(request.user, "offices.dx.sheet.submit", sheet) and open_,
        "stale": _stale(result.computed_at),
        "can_return": can(request.user, "offices.dx.sheet.return", sheet)
        and sheet.state == SheetState.SUBMITTED
        and sheet.criteria_set.state == SetState.OPEN,
        "records": selectors.school_records(request.user, sheet.school)[:50]
        if fill and open_
        else [],
        "error": error,
    }
    return render(request, "offices/dx_sheet.html", context, status=400 if error else 200)


def _sheet_act(request: HttpRequest, pk: int, action: Any, done: str, **extra: Any) -> HttpResponse:
    sheet = selectors.sheet_for(request.user, pk)
    try:
        action(actor=request.user, sheet_id=sheet.pk, ip=client_ip(request), **extra)
    except DomainError as error:
        if error.status in (403, 404):
            raise Http404(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("offices:dx-sheet", args=[sheet.pk]))


@login_required
@require_POST
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _sheet_act(request, pk, services.sheet_submit, _("Đã nộp phiếu tự đánh giá."))


@login_required
@require_POST
def sheet_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _sheet_act(
        request,
        pk,
        services.sheet_return,
        _("Đã trả lại phiếu cho trường."),
        comment=request.POST.get("comment", ""),
    )


@login_required
def evidence_file(request: HttpRequest, pk: int, criterion: int) -> HttpResponseBase:
    sheet = selectors.sheet_for(request.user, pk)
    answer = selectors.answers_of(sheet).get(criterion)
    if answer is None or not answer.evidence_sha256:
        raise Http404(_("Tiêu chí này không có tệp minh chứng."))
    answer.sheet = sheet
    services.evidence_downloaded(actor=request.user, answer=answer, ip=client_ip(request))
    data = office_selectors.read_blob(answer.evidence_sha256)
    kind = answer.evidence_filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(data, content_type=MIME.get(kind, "application/octet-stream"))
    disposition = content_disposition_header(True, answer.evidence_filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
