from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hoso.accounts.selectors import requires_two_factor
from hoso.accounts.services import api_token_issue, api_token_revoke
from hoso.accounts.sso.selectors import provinces_configurable_by
from hoso.accounts.tokens import Reason, token_days, tokens_of
from hoso.core.errors import DomainError
from hoso.core.http import client_ip, safe_redirect_target
from hoso.org.models import Staff
from hoso.org.selectors import roles_of


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    authenticators = {a.type for a in Authenticator.objects.filter(user_id=user.pk)}
    return render(
        request,
        "accounts/my_account.html",
        {
            "staff": Staff.objects.filter(user_id=int(user.pk or 0)).select_related("unit").first(),
            "roles": roles_of(user),
            "has_totp": Authenticator.Type.TOTP in authenticators,
            "has_recovery": Authenticator.Type.RECOVERY_CODES in authenticators,
            "two_factor_required": requires_two_factor(user),
            "token": request.session.pop("hoso_new_token", None),
            "tokens": list(tokens_of(user)[:50]),
            "token_days": token_days(),
            "revoked_labels": Reason.LABELS,
            "now": timezone.now(),
            "configures_sso": provinces_configurable_by(user).exists(),
        },
    )


@login_required
@require_POST
def api_token(request: HttpRequest) -> HttpResponse:
    """Create a named token (shown once on the next page) or revoke one of the person's own."""
    ip = client_ip(request)
    if request.POST.get("action") == "revoke":
        try:
            api_token_revoke(actor=request.user, token_id=request.POST.get("token"), ip=ip)
            messages.success(request, _("Đã thu hồi mã truy cập."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        request.session["hoso_new_token"] = api_token_issue(
            user=request.user, name=request.POST.get("name", ""), ip=ip
        )
    return redirect("my-account")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site signs in through allauth's pages (password, then the second factor), never
    with Django admin's password-only form."""
    target = safe_redirect_target(request, request.GET.get("next"), reverse("admin:index"))
    if request.user.is_authenticated and request.user.is_staff:
        return redirect(target)
    return redirect_to_login(target)


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "locked", "fields": {}, "message": _LOCKED}, status=429)
    return render(request, "accounts/locked.html", {"message": _LOCKED}, status=429)


_LOCKED = gettext_lazy(
    "Tài khoản hoặc máy tính này đã bị tạm khóa do nhập sai mật khẩu nhiều lần. "
    "Vui lòng thử lại sau 15 phút hoặc liên hệ văn thư của trường."
)
