"""The faces of single sign-on: allauth's OpenID Connect login and callback behind the Sở's
switch, the refusal page, and the page where a Sở's administrator configures the sign-in."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.accounts.models import SsoKind, SsoProvider
from hoso.accounts.sso import selectors
from hoso.accounts.sso.csp import allow_sign_in_to
from hoso.accounts.sso.forms import DEFAULT_ISSUERS, SsoProviderForm
from hoso.accounts.sso.provider import EXPECTED_NONCE_ATTRIBUTE, NONCE_KEY, HosoOIDCAdapter
from hoso.accounts.sso.services import Refusal, sso_provider_save, sso_refusal_record
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404


def refusal(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "accounts/sso_refused.html", {"message": message}, status=status)


def _switched_off(request: HttpRequest) -> HttpResponse:
    sso_refusal_record(config=None, reason=Refusal.OFF, ip=client_ip(request))
    return refusal(request, str(Refusal.MESSAGES[Refusal.OFF]))


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    config = selectors.enabled_provider(provider_id)
    if config is None:
        return _switched_off(request)
    allow_sign_in_to(request, [config])  # the confirmation page's form goes on to the provider
    return _allauth(OAuth2LoginView, request, provider_id)


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    if selectors.enabled_provider(provider_id) is None:
        return _switched_off(request)
    stashed = statekit.get_states(request).get(str(request.GET.get("state", "")))
    if stashed:
        setattr(request, EXPECTED_NONCE_ATTRIBUTE, str(stashed[0].get(NONCE_KEY) or ""))
    return _allauth(OAuth2CallbackView, request, provider_id)


def _allauth(view_class: Any, request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect view with our adapter (its own views hard-code theirs)."""
    try:
        view = view_class.adapter_view(HosoOIDCAdapter(request, provider_id))
        return view(request)  # type: ignore[no-any-return]
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    provinces = list(selectors.provinces_configurable_by(request.user))
    if not provinces:
        raise Http404
    if request.method == "POST":
        return _save(request)
    sections = []
    for province in provinces:
        stored = selectors.providers_of(province)
        sections.append(
            {
                "province": province,
                "providers": [
                    _panel(request, province, kind, stored.get(kind)) for kind in SsoKind
                ],
            }
        )
    return render(request, "accounts/sso_settings.html", {"sections": sections})


def _panel(
    request: HttpRequest, province: Any, kind: SsoKind, config: SsoProvider | None
) -> dict[str, Any]:
    initial: dict[str, Any] = {"issuer_url": DEFAULT_ISSUERS[kind.value]}
    if config is not None:
        initial = {
            "enabled": config.enabled,
            "issuer_url": config.issuer_url,
            "client_id": config.client_id,
            "allowed_domains": "\n".join(config.domains()),
        }
    callback_path = reverse(
        "openid_connect_callback", kwargs={"provider_id": f"{kind.value}-{province.pk}"}
    )
    return {
        "kind": kind,
        "config": config,
        "form": SsoProviderForm(initial=initial, prefix=f"{kind.value}-{province.pk}"),
        "redirect_uri": request.build_absolute_uri(callback_path),
    }


def _save(request: HttpRequest) -> HttpResponse:
    province = get_or_404(
        request.user,
        "accounts.sso.manage",
        selectors.provinces_configurable_by(request.user),
        pk=request.POST.get("province"),
    )
    kind = request.POST.get("kind", "")
    form = SsoProviderForm(request.POST, prefix=f"{kind}-{province.pk}")
    if not form.is_valid():
        messages.error(request, _("Hãy điền đủ địa chỉ nhà cung cấp và mã ứng dụng."))
        return redirect("sso-settings")
    try:
        sso_provider_save(
            actor=request.user,
            province=province,
            kind=kind,
            ip=client_ip(request),
            **form.cleaned_data,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu cấu hình đăng nhập một lần."))
    return redirect("sso-settings")
