"""Pages of the stock: stock-taking (kiểm kê) and weeding (thanh lý)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import StockTake, Weeding
from hoso.library.services import stock
from hoso.library.views.catalogue import school_for
from hoso.policy import can, get_or_404


@login_required
@require_http_methods(["GET", "POST"])
def stocktakes(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.manage")
    if request.method == "POST":
        try:
            found = stock.stocktake_open(
                actor=request.user,
                school=school,
                name=request.POST.get("name", ""),
                ip=client_ip(request),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("library:stocktake", pk=found.pk)
    context = {
        "school": school,
        "manage": True,
        "stocktakes": StockTake.objects.filter(school=school)[:50],
    }
    return render(request, "library/stocktakes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def stocktake(request: HttpRequest, pk: int) -> HttpResponse:
    """Scan a shelf: choose its location, scan every spine (scanner or phone camera)."""
    found = get_or_404(
        request.user, "library.manage", StockTake.objects.select_related("school"), pk=pk
    )
    context: dict[str, Any] = {"school": found.school, "manage": True, "stocktake": found}
    status = 200
    if request.method == "POST":
        location = request.POST.get("location", "")
        try:
            added = stock.stocktake_scan(
                actor=request.user,
                stocktake=found,
                barcodes=request.POST.get("barcodes", "").split(),
                location=location,
                ip=client_ip(request),
            )
            context["done"] = _("Đã ghi %(added)s mã vạch ở “%(location)s”.") % {
                "added": added,
                "location": location,
            }
            context["location"] = location
        except DomainError as error:
            context["error"] = error.message
            status = 400
    context["report"] = selectors.discrepancies(found)
    return render(request, "library/stocktake.html", context, status=status)


@login_required
@require_POST
def stocktake_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_or_404(
        request.user, "library.manage", StockTake.objects.select_related("school"), pk=pk
    )
    try:
        stock.stocktake_close(actor=request.user, stocktake=found, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã kết thúc đợt kiểm kê."))
    return redirect("library:stocktake", pk=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def weeding(request: HttpRequest, pk: int) -> HttpResponse:
    """The thủ thư proposes, the principal decides (HT sees this page too)."""
    school = school_for(request, pk, "library.report")
    manage = can(request.user, "library.manage", school)
    if request.method == "POST":
        try:
            stock.weeding_propose(
                actor=request.user,
                school=school,
                barcodes=request.POST.get("barcodes", "").split(),
                reason=request.POST.get("reason", ""),
                ip=client_ip(request),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã gửi đề nghị thanh lý cho hiệu trưởng."))
        return redirect("library:weeding", pk=school.pk)
    proposals = Weeding.objects.filter(school=school).prefetch_related("copies__record")[:30]
    rows = [(w, can(request.user, "library.weeding.decide", w)) for w in proposals]
    return render(
        request, "library/weeding.html", {"school": school, "manage": manage, "rows": rows}
    )


@login_required
@require_POST
def weeding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_or_404(
        request.user, "library.view", Weeding.objects.select_related("school"), pk=pk
    )
    try:
        stock.weeding_decide(
            actor=request.user,
            weeding=found,
            approve=request.POST.get("approve") == "1",
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi quyết định."))
    return redirect("library:weeding", pk=found.school_id)
