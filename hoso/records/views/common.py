"""Small helpers shared by the records pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.records.services.versions import Upload


def upload_from(request: HttpRequest) -> Upload | None:
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return None
    return Upload(stream=uploaded, filename=uploaded.name or "", size=uploaded.size)


def unit_id_from(value: str | None) -> int | None:
    """A unit id from a form or a query string; anything else ("", "abc", 2**70) is none."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def run_action(request: HttpRequest, action: Any, success: str, back: str) -> HttpResponse:
    """Call a service; show its Vietnamese message on refusal; always go back to `back`."""
    try:
        action(ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(back)
