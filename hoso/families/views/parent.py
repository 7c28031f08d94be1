"""The parent's pages: their children with where consent stands, each consented child's
published results, issued học bạ and library loans; the consent page; withdrawing."""

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
from hoso.families import consent_text
from hoso.families.selectors import children_for_consent, consent_of, is_standing
from hoso.families.services.consent import consent_give, consent_withdraw
from hoso.grading.guardians import consented_student_ids
from hoso.grading.hocba.selectors import hoc_ba_for
from hoso.grading.selectors import published_results
from hoso.library.selectors import my_loans
from hoso.org.models import Student
from hoso.policy import get_or_404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    allowed = consented_student_ids(request.user)
    children = [
        _child(request.user, child, child.pk in allowed)
        for child in children_for_consent(request.user)
    ]
    return render(request, "families/home.html", {"children": children})


def _child(user: Any, student: Student, allowed: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"student": student, "allowed": allowed}
    if not allowed:  # nothing of the child is read before consent
        found["consent"] = consent_of(user, student)
        return found
    found["results"] = published_results(student)
    found["hoc_ba"] = hoc_ba_for(user).filter(student=student).order_by("-number")
    found["loans"] = my_loans(user).filter(student=student)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_or_404(request.user, "families.child.consent", Student.objects.all(), pk=pk)
    if request.method == "POST":
        try:
            consent_give(actor=request.user, student=student, ip=client_ip(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cảm ơn. Sự đồng ý của bạn đã được ghi lại."))
        return redirect("families:home")
    current = consent_of(request.user, student)
    return render(
        request,
        "families/consent.html",
        {
            "student": student,
            "paragraphs": consent_text.paragraphs(),
            "version": consent_text.CURRENT_VERSION,
            "current": current,
            "standing": is_standing(current),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_or_404(request.user, "families.child.consent", Student.objects.all(), pk=pk)
    try:
        consent_withdraw(actor=request.user, student=student, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã rút lại sự đồng ý: HoSo ngừng cho bạn xem dữ liệu của con.")
        )
    return redirect("families:home")
