"""Pages: start a batch (one passphrase, many records) and its progress (htmx poll)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.batches import Line, Progress
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.signing.models import SignBatch
from hoso.signing.services import batches


@login_required
@require_POST
def batch_start(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("records") if i.isdigit()]
    seal = request.POST.get("action") == "seal"
    secret = request.POST.get("passphrase") or None
    try:
        batch = batches.batch_start(
            actor=request.user,
            record_ids=ids,
            this_week=request.POST.get("this_week") == "1",
            passphrase=secret,
            pin=request.POST.get("pin") or secret,  # one field: a file's passphrase or a PIN
            seal=seal,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("signing:seal-queue" if seal else "signing:sign-queue"))
    return HttpResponseRedirect(reverse("signing:batch", args=[batch.pk]))


def _batch(request: HttpRequest, pk: int) -> SignBatch:
    return get_or_404(request.user, "signing.batch.view", SignBatch.objects.all(), pk=pk)


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "signing/batch.html", _batch_context(request, pk))


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/_batch_progress.html", _batch_context(request, pk))


def _batch_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The batch and its items, named by the documents' titles."""
    batch = _batch(request, pk)
    items = batch.items.select_related("record__owner").order_by("id")
    verb = _("đóng dấu") if batch.is_seal else _("ký")
    progress = Progress.of(
        batch,
        reverse("signing:batch-progress", args=[batch.pk]),
        (Line(_named(i.record), i.get_status_display(), i.message) for i in items),
        done_word=_("đã %(verb)s") % {"verb": verb},
        label=_("Tiến độ %(verb)s") % {"verb": verb},
    )
    return {"batch": batch, "progress": progress}


def _named(record: Any) -> str:
    """A record by its title and author: a week's lesson plans of several teachers share one
    title, and a batch usually holds several of them."""
    owner = record.owner.first_name or record.owner.username
    return _("%(title)s (người lập: %(name)s)") % {"title": record.title, "name": owner}
