"""Pages of circulation: the desk (lend, take back), loans, renewals, reminders, holds, and
a person's own loans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip, safe_redirect_target
from hoso.library import selectors
from hoso.library.models import BibRecord, Hold, HoldStatus, Loan
from hoso.library.services import circulation
from hoso.library.views.catalogue import PAGE_SIZE, school_for
from hoso.policy import get_or_404


@login_required
@require_POST
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_or_404(request.user, "library.manage", BibRecord.objects.all(), pk=pk)
    try:
        circulation.hold_place(
            actor=request.user,
            record=record,
            patron_code=request.POST.get("patron", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã đặt trước."))
    return redirect("library:record", pk=record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest, pk: int) -> HttpResponse:
    """Lưu thông: scan the card, scan the book, confirm. A USB scanner types the code and
    Enter; the phone camera (static/library/scan.js) fills the same fields."""
    school = school_for(request, pk, "library.manage")
    context: dict[str, Any] = {"school": school, "patron": None, "error": None}
    code = (request.POST.get("patron") or request.GET.get("patron") or "").strip()
    status = 200
    try:
        if code:
            context["patron"] = selectors.find_patron(school, code)
        if request.method == "POST":
            action = request.POST.get("action", "loan")
            barcode = request.POST.get("barcode", "")
            if action == "loan" and not barcode.strip():
                pass  # the card was scanned first: show the patron, wait for the book
            elif action == "return":
                loan = circulation.loan_return(
                    actor=request.user, school=school, barcode=barcode, ip=client_ip(request)
                )
                context["done"] = _("Đã nhận trả “%(title)s” (%(barcode)s).") % {
                    "title": loan.copy.record.title,
                    "barcode": loan.copy.barcode,
                }
            else:
                loan = circulation.loan_checkout(
                    actor=request.user,
                    school=school,
                    patron_code=code,
                    barcode=barcode,
                    ip=client_ip(request),
                )
                context["done"] = _(
                    "Đã cho %(patron_name)s mượn “%(title)s”, hạn trả %(due_on)s."
                ) % {
                    "patron_name": loan.patron_name,
                    "title": loan.copy.record.title,
                    "due_on": format(loan.due_on, "%d/%m/%Y"),
                }
    except DomainError as error:
        context["error"] = error.message
        status = error.status if error.status != 404 else 400
    patron = context["patron"]
    if patron is not None:
        context["patron_loans"] = (
            patron.loans().filter(returned_at__isnull=True).select_related("copy__record")
        )
    return render(request, "library/desk.html", context, status=status)


@login_required
def loans(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.manage")
    only_overdue = request.GET.get("qua-han") == "1"
    rows = selectors.overdue(school) if only_overdue else selectors.open_loans(school)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "library/loans.html",
        {
            "school": school,
            "page": page,
            "only_overdue": only_overdue,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def loan_renew(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_or_404(request.user, "library.manage", Loan.objects.select_related("school"), pk=pk)
    try:
        loan = circulation.loan_renew(actor=request.user, loan=loan, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã gia hạn đến %(due_on)s.") % {"due_on": format(loan.due_on, "%d/%m/%Y")}
        )
    return redirect("library:loans", pk=loan.school_id)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.manage")
    try:
        sent = circulation.overdue_remind(actor=request.user, school=school, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi %(sent)s lời nhắc trả sách.") % {"sent": sent})
    return HttpResponseRedirect(reverse("library:loans", kwargs={"pk": school.pk}) + "?qua-han=1")


@login_required
def my_loans(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "library/my_loans.html",
        {
            "loans": selectors.my_loans(request.user)[:200],
            "holds": selectors.my_holds(request.user)[:100],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def hold_request(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Đặt trước" in the catalogue: for oneself, or for one's child."""
    record = get_or_404(request.user, "library.hold.request", BibRecord.objects.all(), pk=pk)
    try:
        hold = circulation.hold_request(
            actor=request.user,
            record=record,
            patron_key=request.POST.get("patron", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_back(request, record.school_id))
    if hold.status == HoldStatus.READY:
        messages.success(request, _("Đã đặt trước. Sách đang có trên giá: mời đến thư viện nhận."))
    else:
        messages.success(request, _("Đã đặt trước. Khi có sách, bạn sẽ nhận được thông báo."))
    return redirect("library:my-loans")


@login_required
@require_POST
def hold_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_or_404(request.user, "library.hold.own", Hold.objects.all(), pk=pk)
    try:
        circulation.hold_withdraw(actor=request.user, hold=hold, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã hủy đặt trước."))
    return redirect("library:my-loans")


def _back(request: HttpRequest, school_id: int) -> str:
    """Back to the catalogue search the person came from (only a path of this site)."""
    fallback = reverse("library:opac", kwargs={"pk": school_id})
    return safe_redirect_target(request, request.POST.get("next"), fallback)
