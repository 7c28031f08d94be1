"""The public page where a parent enters the code from the printed sheet (or follows the
e-mail's link) to create an account linked to the child, or adds the child to the account
they are signed in with. Rate-limited (hoso.core.security)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.families.forms import RedeemForm
from hoso.families.services.invitations import NewAccount, invitation_redeem

BACKEND = "hoso.accounts.backends.HosoModelBackend"


@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest) -> HttpResponse:
    signed_in = bool(request.user.is_authenticated)
    if request.method != "POST":
        form = RedeemForm(initial={"code": request.GET.get("ma", "")[:80]}, signed_in=signed_in)
        return render(request, "families/redeem.html", {"form": form, "signed_in": signed_in})
    form = RedeemForm(request.POST, signed_in=signed_in)
    if form.is_valid():
        data = form.cleaned_data
        account = None
        if not signed_in:
            account = NewAccount(data["username"], data["password1"], data["full_name"])
        try:
            guardian = invitation_redeem(
                secret=data["code"],
                relation=data["relation"],
                account=account,
                user=request.user if signed_in else None,
                ip=client_ip(request),
            )
        except DomainError as error:
            for field, errors in error.fields.items():
                if field in form.fields:
                    form.add_error(field, errors)
            form.add_error(None, error.message)
        else:
            if not signed_in:
                login(request, guardian.user, backend=BACKEND)
            messages.success(
                request,
                _("Đã liên kết tài khoản với em %(name)s. Hãy đọc và quyết định đồng ý.")
                % {"name": guardian.student.full_name},
            )
            return redirect("families:consent", pk=guardian.student_id)
    return render(
        request, "families/redeem.html", {"form": form, "signed_in": signed_in}, status=400
    )
