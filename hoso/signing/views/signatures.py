"""Pages: validation of an uploaded file and the signatures panel of a record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoso.core.errors import DomainError
from hoso.policy import get_or_404
from hoso.signing import verification
from hoso.signing.selectors import signatures_of_record


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
    from hoso.records.models import Record

    record = get_or_404(request.user, "records.record.view", Record.objects.all(), pk=pk)
    rows = []
    sigs = list(signatures_of_record(request.user, record))
    for version in record.versions.order_by("-number"):
        mine = [s for s in sigs if s.version_id == version.pk]
        report = verification.version_report(version) if version.signed_sha256 else None
        archive = list(version.archive_timestamps.all())
        rows.append({"version": version, "signatures": mine, "report": report, "archive": archive})
    partial = bool(getattr(request, "htmx", False))
    template = "signing/_record_signatures.html" if partial else "signing/record_signatures.html"
    return render(request, template, {"record": record, "rows": rows})
