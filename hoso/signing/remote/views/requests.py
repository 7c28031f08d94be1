"""Pages of remote signing (ký số từ xa): start from "Chờ ký" (the chosen records, or every
record waiting) — or, for the văn thư, from "Chờ đóng dấu" with the school's seal credential —
then one page that says "Đang chờ xác nhận…" and polls the provider (htmx) until the
confirmation, the refusal or the end of the wait; cancel while waiting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError, NotFound
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.signing.remote.models import Purpose, RemoteRequest
from hoso.signing.remote.services import requests as remote_requests
from hoso.signing.selectors import seal_queue, sign_queue


@login_required
@require_POST
def remote_start(request: HttpRequest) -> HttpResponse:
    seal = request.POST.get("purpose") == Purpose.SEAL
    queue = seal_queue if seal else sign_queue
    if request.POST.get("all") == "1":
        ids = list(queue(request.user).values_list("record_id", flat=True))
    else:
        ids = [int(i) for i in request.POST.getlist("records") if _is_id(i)]
    credential = request.POST.get("credential", "")
    try:
        remote = remote_requests.remote_start(
            actor=request.user,
            object_ids=ids,
            purpose=Purpose.SEAL if seal else Purpose.SIGN,
            credential_id=int(credential) if seal and _is_id(credential) else None,
            ip=client_ip(request),
        )
    except NotFound as exc:  # another school's seal credential: like a missing one
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("signing:seal-queue" if seal else "signing:sign-queue"))
    return HttpResponseRedirect(reverse("signing:remote", args=[remote.pk]))


def _is_id(raw: str) -> bool:
    return raw.isdigit() and len(raw) < 19


def _remote(request: HttpRequest, pk: int) -> RemoteRequest:
    """The person's own request; anyone else's answers like a missing one (404)."""
    qs = RemoteRequest.objects.all()
    return get_or_404(request.user, "signing_remote.request.view", qs, pk=pk)


def _context(remote: RemoteRequest) -> dict[str, Any]:
    return {"remote": remote, "items": remote.items.order_by("id")}


@login_required
def remote_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "signing/remote.html", _context(_remote(request, pk)))


@login_required
def remote_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status block, polled while the request is open: asks the provider each time."""
    _remote(request, pk)
    remote = remote_requests.remote_poll(actor=request.user, request_id=pk, ip=client_ip(request))
    remote.refresh_from_db()  # the run queued on confirmation may have finished already
    return render(request, "signing/_remote_progress.html", _context(remote))


@login_required
@require_POST
def remote_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _remote(request, pk)
    try:
        remote_requests.remote_cancel(actor=request.user, request_id=pk, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("signing:remote", args=[pk]))
