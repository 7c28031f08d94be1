"""Pages: the "Chờ ký" and "Chờ đóng dấu" queues with the sign form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.signing import conf
from hoso.signing.models import CertKind
from hoso.signing.remote.selectors import seal_credentials_usable
from hoso.signing.selectors import seal_queue, sign_queue_rows, usable_certificates
from hoso.signing.work import work


def _queue_page(request: HttpRequest, *, seal: bool) -> HttpResponse:
    items = seal_queue(request.user) if seal else sign_queue_rows(request.user)
    certs = usable_certificates(kind=CertKind.PERSONAL, owner=request.user)
    remote_seals = list(seal_credentials_usable(request.user)) if seal else []
    return render(
        request,
        "signing/queue.html",
        {
            "items": items,
            "seal": seal,
            "certificates": certs,
            "remote_seals": remote_seals,
            "agent_url": conf.agent_url(),
            "title": _("Chờ đóng dấu") if seal else _("Chờ ký"),
        },
    )


@login_required
def sign_queue_page(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, seal=False)


@login_required
def seal_queue_page(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, seal=True)


@login_required
@require_POST
def sign_one(request: HttpRequest, pk: int) -> HttpResponse:
    seal = request.POST.get("action") == "seal"
    secret = request.POST.get("passphrase") or None
    pin = request.POST.get("pin") or secret  # one field: the passphrase of a file, or a PIN
    cert_id = int(request.POST["certificate"]) if request.POST.get("certificate") else None
    try:
        work().sign_step(
            actor=request.user,
            object_id=pk,
            seal=seal,
            passphrase=secret,
            pin=pin,
            certificate_id=cert_id,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đóng dấu hồ sơ.") if seal else _("Đã ký số hồ sơ."))
    if request.POST.get("back") == "record":  # signed from the record page
        return HttpResponseRedirect(reverse("records:detail", args=[pk]))
    return HttpResponseRedirect(reverse("signing:seal-queue" if seal else "signing:sign-queue"))
