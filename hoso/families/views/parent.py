"""The parent's pages: their children with where consent stands, each consented child's
published results, issued học bạ and library loans; the consent page; withdrawing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.families import consent_text
from hoso.families.selectors import (
    children_for_consent,
    consent_of,
    is_standing,
    parent_directives,
)
from hoso.families.services.consent import consent_give, consent_withdraw
from hoso.families.services.directives import parent_directive_downloaded
from hoso.grading.guardians import consented_student_ids
from hoso.grading.hocba.selectors import hoc_ba_for
from hoso.grading.selectors import published_results
from hoso.library.selectors import my_loans
from hoso.org.models import Student
from hoso.policy import get_or_404
from hoso.storage import BlobNotFound, blob_store

DIRECTIVES_SHOWN = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    allowed = consented_student_ids(request.user)
    children = [
        _child(request.user, child, child.pk in allowed)
        for child in children_for_consent(request.user)
    ]
    context = {
        "children": children,
        "any_allowed": bool(allowed),
        "directives": list(parent_directives(request.user)[:DIRECTIVES_SHOWN]) if allowed else [],
    }
    return render(request, "families/home.html", context)


@login_required
def directive_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed PDF of a directive meant for parents, for the parents who may read it."""
    directive = get_or_404(
        request.user, "families.directive.view", parent_directives(request.user), pk=pk
    )
    sha = directive.version.viewing_sha256
    if not sha:
        raise Http404(_("Bản PDF của văn bản chưa sẵn sàng."))
    try:
        stream = blob_store().open(sha)
    except BlobNotFound:
        raise Http404(_("Tệp không còn trong kho lưu trữ; hãy báo quản trị hệ thống.")) from None
    parent_directive_downloaded(actor=request.user, directive=directive, ip=client_ip(request))
    stem = directive.version.filename.rsplit(".", 1)[0] or "van-ban"
    response = FileResponse(
        stream, content_type="application/pdf", as_attachment=True, filename=f"{stem}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
