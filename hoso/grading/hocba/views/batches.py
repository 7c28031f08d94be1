"""Học bạ batches for a class: start signing, the progress page and its htmx fragment (the
creation batch is started from the class's học bạ page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.batches import Line, Progress
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.grading import selectors
from hoso.grading.hocba.services.batches import hocba_batch_sign
from hoso.grading.models import HocBaBatch
from hoso.policy import get_or_404


@login_required
@require_POST
def batch_sign(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    try:
        batch = hocba_batch_sign(
            actor=request.user,
            school_class=school_class,
            passphrase=request.POST.get("passphrase") or None,
            pin=request.POST.get("pin") or None,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("grading:class-hocba", pk=pk)
    return redirect("grading:hocba-batch", pk=batch.pk)


def _batch(request: HttpRequest, pk: int) -> HocBaBatch:
    batches = HocBaBatch.objects.select_related("school_class")
    return get_or_404(request.user, "grading.hocba.batch.view", batches, pk=pk)


def _line(item: Any) -> Line:
    """A pupil, how their học bạ went, and the version it made."""
    name, status = item.student.full_name, item.get_status_display()
    if item.version is None:
        return Line(name, status, item.message)
    url = reverse("grading:hocba", args=[item.version_id])
    return Line(name, status, item.message, url, _("bản %(n)s") % {"n": item.version.number})


def _context(request: HttpRequest, pk: int) -> dict[str, Any]:
    batch = _batch(request, pk)
    items = batch.items.select_related("student", "version")
    lines = [_line(item) for item in items]
    url = reverse("grading:hocba-batch-progress", args=[batch.pk])
    return {"batch": batch, "progress": Progress.of(batch, url, lines)}


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "grading/hocba_batch.html", _context(request, pk))


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/_batch_progress.html", _context(request, pk))
