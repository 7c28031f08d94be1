"""Page: the person's certificates (and the seals they manage), registering one, and the
links to remote-signing providers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.signing import conf
from hoso.signing.models import Backend
from hoso.signing.remote import selectors as remote_selectors
from hoso.signing.selectors import certificates_visible
from hoso.signing.services.certificates import certificate_register


def _seal_units(request: HttpRequest) -> list[Any]:
    from hoso.org.models import Unit, UnitKind
    from hoso.policy import can

    schools = Unit.objects.filter(kind=UnitKind.TRUONG)
    return [u for u in schools if can(request.user, "signing.seal.manage", u)]


def _seal_unit(request: HttpRequest) -> Any:
    raw = request.POST.get("unit", "")
    if not raw:
        return None
    found = [u for u in _seal_units(request) if str(u.pk) == raw]
    if not found:
        raise DomainError(_("Bạn không quản lý chứng thư con dấu của đơn vị này."))
    return found[0]


@login_required
def certificates_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Hãy chọn tệp chứng thư số (.cer, .pem, .crt hoặc .p12/.pfx)."))
            unit = _seal_unit(request)
            certificate_register(
                actor=request.user,
                unit=unit,
                data=upload.read(),
                passphrase=request.POST.get("passphrase") or None,
                backend=request.POST.get("backend") or Backend.EXTERNAL,
                key_ref={"key_id": request.POST["key_id"]} if request.POST.get("key_id") else {},
                ip=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã đăng ký chứng thư số."))
        return HttpResponseRedirect(reverse("signing:certificates"))
    return render(
        request,
        "signing/certificates.html",
        {
            "certificates": certificates_visible(request.user),
            "agent_url": conf.agent_url(),
            "seal_units": _seal_units(request),
            "remote_providers": remote_selectors.providers_usable(request.user),
            "remote_links": remote_selectors.credentials_of(request.user),
            "remote_seal_links": remote_selectors.seal_credentials_managed(request.user),
        },
    )
