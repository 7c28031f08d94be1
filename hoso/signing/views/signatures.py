"""Pages: validation of an uploaded file and the signatures panel of a record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoso.core.errors import DomainError
from hoso.signing import verification
from hoso.signing.work import work


@login_required
def validate_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload is not None:
        detached = request.FILES.get("signature")
        try:
            context["report"] = verification.validate_upload(
                data=upload.read(),
                filename=upload.name or "",
                detached=detached.read() if detached else None,
            )
        except DomainError as exc:
            context["error"] = exc.message
        context["filename"] = upload.name
    return render(request, "signing/validate.html", context)


@login_required
def record_signatures(request: HttpRequest, pk: int) -> HttpResponse:
    """Signatures per version with validation; included in the record page (htmx) or alone."""
    context = work().signatures_panel(request.user, pk)
    partial = bool(getattr(request, "htmx", False))
    template = "signing/_record_signatures.html" if partial else "signing/record_signatures.html"
    return render(request, template, context)
