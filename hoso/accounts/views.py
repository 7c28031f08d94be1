from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.services import api_token_issue, api_token_revoke, requires_two_factor
from hoso.core.http import client_ip
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
        },
    )


@login_required
@require_POST
def api_token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        api_token_revoke(user=request.user, ip=client_ip(request))
    else:
        api_token_revoke(user=request.user, ip=client_ip(request))
        request.session["hoso_new_token"] = api_token_issue(
            user=request.user, ip=client_ip(request)
        )
    return redirect("my-account")


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "locked", "fields": {}, "message": _LOCKED}, status=429)
    return render(request, "accounts/locked.html", {"message": _LOCKED}, status=429)


_LOCKED = (
    "Tài khoản hoặc máy tính này đã bị tạm khóa do nhập sai mật khẩu nhiều lần. "
    "Vui lòng thử lại sau 15 phút hoặc liên hệ văn thư của trường."
)
