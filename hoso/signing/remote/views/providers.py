"""Settings of remote signing (ký số từ xa): the Sở's page for the providers it contracts with
(address, OAuth client, waiting time; the secret is write-only; "Kiểm tra kết nối" logs in
afresh), each person's link from their certificates page to their credential there, and the
school's link to its organisation credential (con dấu số) by its principal or văn thư."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.signing.remote import selectors
from hoso.signing.remote.models import RemoteProvider
from hoso.signing.remote.providers import kinds
from hoso.signing.remote.services import links

FIELDS = ("name", "kind", "base_url", "token_url", "client_id", "timeout_seconds")


@login_required
def providers_page(request: HttpRequest) -> HttpResponse:
    units = list(selectors.units_managed(request.user))
    if not units:
        raise Http404(_("Trang này dành cho Sở GDĐT."))
    if request.method == "POST":
        try:
            unit = next(u for u in units if str(u.pk) == request.POST.get("unit", str(units[0].pk)))
            provider = links.provider_configure(
                actor=request.user, unit=unit, ip=client_ip(request), **_posted(request)
            )
        except StopIteration:
            raise Http404(_("Không tìm thấy đơn vị.")) from None
        except DomainError as error:
            messages.error(request, error.message)
            return _render_list(request, units, error.fields, request.POST, status=error.status)
        messages.success(request, _("Đã thêm nhà cung cấp «%(name)s».") % {"name": provider.name})
        return HttpResponseRedirect(reverse("signing:provider", args=[provider.pk]))
    return _render_list(request, units, {}, {})


def _render_list(
    request: HttpRequest, units: list[Any], errors: Any, values: Any, status: int = 200
) -> HttpResponse:
    context = {
        "providers": selectors.providers_managed(request.user),
        "units": units,
        "kinds": kinds(),
        "errors": errors,
        "values": values,
    }
    return render(request, "signing/providers.html", context, status=status)


@login_required
def provider_page(request: HttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_managed(request.user, pk)
    if provider is None:
        raise Http404(_("Không tìm thấy nhà cung cấp."))
    if request.method == "POST":
        try:
            _act(request, provider)
        except DomainError as error:
            messages.error(request, error.message)
            return _render_one(request, provider, error.fields, request.POST, error.status)
        return HttpResponseRedirect(reverse("signing:provider", args=[provider.pk]))
    return _render_one(request, provider, {}, None)


def _act(request: HttpRequest, provider: RemoteProvider) -> None:
    if request.POST.get("ping"):
        links.provider_ping(actor=request.user, provider_id=provider.pk)
        messages.success(request, _("Kết nối tới «%(name)s» thành công.") % {"name": provider.name})
        return
    links.provider_update(
        actor=request.user,
        provider_id=provider.pk,
        client_secret=request.POST.get("client_secret", ""),
        is_active=request.POST.get("is_active") == "1",
        ip=client_ip(request),
        **{k: v for k, v in _posted(request).items() if k != "client_secret"},
    )
    messages.success(request, _("Đã lưu cấu hình nhà cung cấp."))


def _render_one(
    request: HttpRequest, provider: RemoteProvider, errors: Any, values: Any, status: int = 200
) -> HttpResponse:
    shown = values or {f: getattr(provider, f) for f in FIELDS}
    context = {"provider": provider, "kinds": kinds(), "errors": errors, "values": shown}
    return render(request, "signing/provider.html", context, status=status)


def _posted(request: HttpRequest) -> dict[str, Any]:
    timeout = request.POST.get("timeout_seconds", "")
    return {
        "name": request.POST.get("name", ""),
        "kind": request.POST.get("kind", "csc"),
        "base_url": request.POST.get("base_url", ""),
        "token_url": request.POST.get("token_url", ""),
        "client_id": request.POST.get("client_id", ""),
        "client_secret": request.POST.get("client_secret", ""),
        "timeout_seconds": int(timeout) if timeout.isdigit() and len(timeout) < 6 else 300,
    }


@login_required
@require_POST
def credential_link(request: HttpRequest) -> HttpResponse:
    """Link the person's credential at a provider above them (from the certificates page)."""
    provider_id = request.POST.get("provider", "")
    provider = selectors.providers_usable(request.user).filter(
        pk=int(provider_id) if provider_id.isdigit() and len(provider_id) < 18 else 0
    )
    back = HttpResponseRedirect(reverse("signing:certificates"))
    if not provider.exists():
        messages.error(request, _("Hãy chọn nhà cung cấp ký số từ xa của đơn vị bạn."))
        return back
    try:
        link = links.credential_link(
            actor=request.user,
            provider=provider.get(),
            user_ref=request.POST.get("user_ref", "").strip()[:200],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _(
            "Đã liên kết chứng thư %(serial)s tại %(name)s: từ nay bạn ký bằng cách xác nhận trên "
            "điện thoại."
        )
        % {"serial": link.certificate.serial, "name": link.provider.name},
    )
    return back


@login_required
@require_POST
def seal_credential_link(request: HttpRequest) -> HttpResponse:
    """Link the school's organisation credential at a provider (its con dấu số), from the
    certificates page: the principal or the văn thư of the school."""
    back = HttpResponseRedirect(reverse("signing:certificates"))
    provider = _chosen(selectors.providers_usable(request.user), request.POST.get("provider", ""))
    raw_unit = request.POST.get("unit", "")
    unit = next(
        (u for u in selectors.seal_units_managed(request.user) if str(u.pk) == raw_unit), None
    )
    if provider is None or unit is None:
        messages.error(request, _("Hãy chọn nhà cung cấp và trường của con dấu số."))
        return back
    try:
        link = links.seal_credential_link(
            actor=request.user,
            provider=provider,
            unit=unit,
            user_ref=request.POST.get("user_ref", "").strip()[:200],
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _(
            "Đã liên kết con dấu số %(serial)s của %(school)s tại %(provider)s: văn thư đóng dấu "
            "từ xa ở trang «Chờ đóng dấu»."
        )
        % {"serial": link.certificate.serial, "school": unit.name, "provider": provider.name},
    )
    return back


def _chosen(qs: Any, raw: str) -> Any:
    return qs.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
