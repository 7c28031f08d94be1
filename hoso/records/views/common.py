"""Small helpers shared by the records pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.records.services import Upload


def upload_from(request: HttpRequest) -> Upload | None:
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return None
    return Upload(stream=uploaded, filename=uploaded.name or "", size=uploaded.size)


def run_action(request: HttpRequest, action: Any, success: str, back: str) -> HttpResponse:
    """Call a service; show its Vietnamese message on refusal; always go back to `back`."""
    try:
        action(ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(back)
