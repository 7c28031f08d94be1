"""Pages of the registers (sổ sách as signed records) and of the yearly reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.library import reports
from hoso.library.models import RegisterIssue, RegisterKind, StockTake, Weeding
from hoso.library.services import catalogue as catalogue_service
from hoso.library.services.registers import register_issue
from hoso.library.views.catalogue import school_for
from hoso.library.views.files import XLSX, _download
from hoso.org.models import Unit, UnitKind
from hoso.policy import get_or_404

REPORT_UNITS = Unit.objects.filter(kind__in=[UnitKind.TRUONG, UnitKind.PHONG, UnitKind.SO])


def _subject(school: Unit, kind: str, raw: str) -> Any:
    """The stock-taking or weeding a biên bản is about (the latest when not chosen)."""
    found: QuerySet[Any]
    if kind == RegisterKind.KIEM_KE:
        found = StockTake.objects.filter(school=school)
    elif kind == RegisterKind.THANH_LY:
        found = Weeding.objects.filter(school=school, state="approved")
    else:
        return None
    if raw.isdigit() and len(raw) < 19:
        found = found.filter(pk=int(raw))
    return found.order_by("-pk").first()


@login_required
@require_http_methods(["GET", "POST"])
def register_list(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.manage")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            obj = _subject(school, kind, request.POST.get("obj", ""))
            if kind in (RegisterKind.KIEM_KE, RegisterKind.THANH_LY) and obj is None:
                raise DomainError(_("Chưa có đợt kiểm kê / thanh lý đã duyệt để lập biên bản."))
            issue = register_issue(
                actor=request.user, school=school, kind=kind, obj=obj, ip=client_ip(request)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Đã lập “%(kind)s” và trình hiệu trưởng ký.")
                % {"kind": issue.get_kind_display()},
            )
        return redirect("library:registers", pk=school.pk)
    issues = RegisterIssue.objects.filter(school=school).select_related("record")[:50]
    return render(
        request,
        "library/registers.html",
        {"school": school, "manage": True, "issues": issues, "kinds": RegisterKind.choices},
    )


@login_required
def register_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A draft print of a register, not the signed record (that one is under Hồ sơ)."""
    from hoso.library import registers  # reportlab, loaded by the first register printed

    school = school_for(request, pk, "library.manage")
    if kind not in RegisterKind.values:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        data = registers.build(kind, school, _subject(school, kind, request.GET.get("obj", "")))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("library:registers", pk=school.pk)
    catalogue_service.export_logged(
        actor=request.user, school=school, what=f"register.{kind}", ip=client_ip(request)
    )
    return _download(data, "application/pdf", f"so-thu-vien-{kind.lower()}-{school.code}.pdf")


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_or_404(request.user, "library.report", REPORT_UNITS, pk=pk)
    rows, total = reports.rollup(unit)
    peak = max([r.copies_per_student or 0 for r in rows] + [6])
    return render(
        request,
        "library/report.html",
        {
            "unit": unit,
            "rows": rows,
            "total": total,
            "peak": peak,
            "kinds": [label for k, label in reports.ItemKind.choices if k != "SO"],
        },
    )


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_or_404(request.user, "library.report", REPORT_UNITS, pk=pk)
    data = reports.xlsx(unit)
    catalogue_service.export_logged(
        actor=request.user, school=unit, what="report.xlsx", ip=client_ip(request)
    )
    return _download(data, XLSX, f"bao-cao-thu-vien-{unit.code}.xlsx")
