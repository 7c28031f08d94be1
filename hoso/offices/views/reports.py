"""Pages of reports up: the office's requests (new, status, returns, summed workbook) and a
unit's reports to send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.offices import cells as xl
from hoso.offices import forms, selectors
from hoso.offices.exports import xlsx_response
from hoso.offices.models import Audience, Recurrence, ReportAssignment, ReportRequest, TemplateKind
from hoso.offices.services import reports
from hoso.offices.templates_xlsx import template_from_seed
from hoso.org.models import SchoolLevel
from hoso.policy import can, get_or_404

PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {"pdf": "application/pdf", "xlsx": XLSX, "docx": "application/octet-stream"}


def _request(request: HttpRequest, pk: int) -> ReportRequest:
    return get_or_404(
        request.user, "offices.report.view", selectors.reports_visible_to(request.user), pk=pk
    )


def _assignment(request: HttpRequest, pk: int) -> ReportAssignment:
    return get_or_404(
        request.user,
        "offices.assignment.view",
        selectors.assignments_visible_to(request.user),
        pk=pk,
    )


def file_in(request: HttpRequest, name: str) -> reports.FileIn | None:
    uploaded = request.FILES.get(name)
    if uploaded is None:
        return None
    return reports.FileIn(uploaded.read(), uploaded.name or "")


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    context = {
        "requests": selectors.report_list(request.user)[:PAGE],
        "can_ask": can(request.user, "offices.office.act"),
    }
    return render(request, "offices/reports.html", context)


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    offices, office = selectors.office_choice(request.user, data.get("office"))
    if office is None:
        raise Http404(_("Chỉ cán bộ Phòng, Sở GDĐT yêu cầu báo cáo."))
    context: dict[str, Any] = {
        "offices": offices,
        "office": office,
        "units": selectors.units_below(office),
        "levels": SchoolLevel.choices,
        "audiences": Audience.choices,
        "kinds": TemplateKind.choices,
        "recurrences": Recurrence.choices,
        "signers": [("", _("Không yêu cầu ký số")), *((r, f"{r}") for r in reports.SIGNERS)],
        "form": data,
        "chosen_units": data.getlist("units"),
        "error": None,
        "seed_cells": template_from_seed("hoc_sinh")[1],
    }
    if request.method == "POST":
        try:
            created = reports.report_request_create(
                actor=request.user,
                office=office,
                title=data.get("title", ""),
                instructions=data.get("instructions", ""),
                deadline=forms.parse_due(data.get("deadline"), field="deadline", required=True),
                template_kind=data.get("template_kind", ""),
                template=file_in(request, "template"),
                cells=data.get("cells", ""),
                signer_role=data.get("signer_role", ""),
                audience=data.get("audience", ""),
                level=data.get("level", ""),
                unit_ids=forms.parse_ids(data.getlist("units"), field="units"),
                recurrence=data.get("recurrence", Recurrence.ONCE),
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            messages.success(
                request,
                _("Đã gửi yêu cầu đến %(count)s đơn vị.") % {"count": created.units.count()},
            )
            return HttpResponseRedirect(reverse("offices:report", args=[created.pk]))
    status = 400 if context["error"] else 200
    return render(request, "offices/report_new.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _request(request, pk)
    context = {
        "report": report,
        "status": selectors.report_status(report),
        "can_manage": can(request.user, "offices.report.manage", report),
    }
    return render(request, "offices/report_detail.html", context)


def _file(data: bytes, filename: str) -> HttpResponse:
    kind = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(data, content_type=MIME.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_sum(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The template with the figures summed across the units that submitted, one workbook."""
    report = _request(request, pk)
    status = selectors.report_status(report)
    rows = [(r.unit.name, _vn(r.submitted_at), r.late, r.figures) for r in status.submitted]
    missing = [r.unit.name for r in status.rows if r.state != "submitted"]
    if report.template_kind == TemplateKind.EXCEL:
        template = selectors.read_blob(report.template_sha256)
        book = xl.summed_workbook(template, list(report.cells), rows, missing)
    else:  # a written report: the table of who sent it, when, late or not
        book = xl.summed_workbook(xl.empty_book(), [], rows, missing)
    reports.report_summed(actor=request.user, report=report, units=len(rows), ip=client_ip(request))
    return xlsx_response(book, f"tong-hop-bao-cao-{report.pk}.xlsx")


def _vn(when: Any) -> str:
    from django.utils import timezone

    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""


@login_required
def report_template(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The template, for the office and for the units asked (through their assignment)."""
    report = _request(request, pk)
    if not report.template_sha256:
        raise Http404(_("Yêu cầu này không có mẫu."))
    reports.report_template_downloaded(actor=request.user, report=report, ip=client_ip(request))
    return _file(selectors.read_blob(report.template_sha256), report.template_filename)


@login_required
def seed_template(request: HttpRequest) -> HttpResponseBase:
    """HoSo's own Excel template of pupil figures, for an office that has none of its own:
    download, adjust, upload it with a new request (its collected cells are shown on the form).
    A blank form, no data."""
    if selectors.office_choice(request.user, None)[1] is None:
        raise Http404(_("Chỉ cán bộ Phòng, Sở GDĐT yêu cầu báo cáo."))
    data, _cells = template_from_seed("hoc_sinh")
    return _file(data, "mau-so-lieu-hoc-sinh.xlsx")


@login_required
def reports_due(request: HttpRequest) -> HttpResponse:
    rows = selectors.reports_due_for(request.user)[:PAGE]
    return render(request, "offices/reports_due.html", {"rows": rows})


@login_required
def report_unit(request: HttpRequest, pk: int) -> HttpResponse:
    row = _assignment(request, pk)
    context: dict[str, Any] = {
        "row": row,
        "report": row.request,
        "can_submit": can(request.user, "offices.assignment.submit", row)
        and row.state != "submitted",
        "can_return": can(request.user, "offices.assignment.return", row)
        and row.state == "submitted",
        "records": selectors.units_owning_records(request.user, row.unit_id)[:50],
        "error": None,
    }
    if request.method == "POST":
        if not can(request.user, "offices.assignment.submit", row):
            raise Http404(_("Không tìm thấy."))
        try:
            record = request.POST.get("record", "")
            reports.report_submit(
                actor=request.user,
                assignment_id=row.pk,
                upload=file_in(request, "file"),
                record_id=forms.parse_id(record, field="record", label=_("hồ sơ"))
                if record
                else None,
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            messages.success(request, _("Đã nộp báo cáo."))
            return HttpResponseRedirect(reverse("offices:report-unit", args=[row.pk]))
    status = 400 if context["error"] else 200
    return render(request, "offices/report_unit.html", context, status=status)


@login_required
def report_unit_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = _assignment(request, pk)
    if not row.file_sha256:
        raise Http404(_("Đơn vị chưa nộp tệp."))
    reports.report_file_downloaded(actor=request.user, assignment=row, ip=client_ip(request))
    return _file(selectors.read_blob(row.file_sha256), row.filename)


@login_required
def report_unit_template(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = _assignment(request, pk)
    report = row.request
    if not report.template_sha256:
        raise Http404(_("Yêu cầu này không có mẫu."))
    reports.report_template_downloaded(
        actor=request.user, report=report, assignment=row, ip=client_ip(request)
    )
    return _file(selectors.read_blob(report.template_sha256), report.template_filename)


@login_required
@require_POST
def report_unit_return(request: HttpRequest, pk: int) -> HttpResponse:
    row = _assignment(request, pk)
    try:
        reports.report_return(
            actor=request.user,
            assignment_id=row.pk,
            comment=request.POST.get("comment", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã trả lại báo cáo của %(name)s.") % {"name": row.unit.name})
    return HttpResponseRedirect(reverse("offices:report", args=[row.request_id]))
