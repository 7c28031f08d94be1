"""Pages of the digital library: the shared collection, adding, proposing, vetting, reading."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.response import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.models import DigitalResource, ResourceFormat
from hoso.library.services import digital
from hoso.org.models import Unit, UnitKind
from hoso.policy import can, get_or_404
from hoso.storage import blob_store

LIBRARY_UNITS = Unit.objects.filter(kind__in=[UnitKind.TRUONG, UnitKind.PHONG, UnitKind.SO])
RESOURCES = DigitalResource.objects.select_related("owner_unit", "up_to", "group")


def _units_for(user: Any, action: str) -> list[Unit]:
    from hoso.policy.grants import grants_for

    grants = grants_for(user)
    ids = {g.unit_id for g in grants.items} | {g.school_id for g in grants.items if g.school_id}
    candidates = LIBRARY_UNITS.filter(pk__in=ids) if not grants.is_admin else LIBRARY_UNITS
    return [u for u in candidates.order_by("path")[:50] if can(user, action, u)]


@login_required
def collection(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    resources = selectors.digital_visible(request.user, q)[:200]
    rows = [
        (
            r,
            can(request.user, "library.digital.vet", r),
            can(request.user, "library.digital.curate", r),
        )
        for r in resources
    ]
    return render(
        request,
        "library/digital.html",
        {
            "rows": rows,
            "q": q,
            "formats": ResourceFormat.choices,
            "manage_units": _units_for(request.user, "library.digital.manage"),
            "propose_units": _units_for(request.user, "library.digital.propose"),
        },
    )


def _meta(request: HttpRequest) -> dict[str, Any]:
    return {k: request.POST.get(k, "") for k in ("title", "authors", "subject", "grade", "fmt")}


@login_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_or_404(request.user, "library.digital.manage", LIBRARY_UNITS, pk=pk)
    upload = request.FILES.get("file")
    try:
        digital.resource_add(
            actor=request.user,
            unit=unit,
            meta=_meta(request),
            stream=upload,
            url=request.POST.get("url", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã công bố cho %(name)s và các đơn vị trực thuộc.") % {"name": unit.name}
        )
    return redirect("library:digital")


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_or_404(request.user, "library.digital.propose", LIBRARY_UNITS, pk=pk)
    try:
        digital.resource_propose(
            actor=request.user,
            school=school,
            meta=_meta(request),
            stream=request.FILES.get("file"),
            url=request.POST.get("url", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi tổ chuyên môn duyệt."))
    return redirect("library:digital")


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_or_404(request.user, "library.digital.view", RESOURCES, pk=pk)
    return render(request, "library/digital_detail.html", {"r": resource})


@login_required
def content(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file; `?xem=1` shows it in the browser (sandboxed), otherwise a download."""
    resource = get_or_404(request.user, "library.digital.view", RESOURCES, pk=pk)
    if not resource.sha256:
        raise Http404(_("Tài liệu này là một liên kết, không có tệp."))
    from hoso.storage import BlobNotFound

    try:
        stream = blob_store().open(resource.sha256)
    except BlobNotFound:
        raise Http404(_("Tệp không còn trong kho lưu trữ; hãy báo quản trị hệ thống.")) from None
    inline = request.GET.get("xem") == "1"
    digital.resource_opened(
        actor=request.user, resource=resource, inline=inline, ip=client_ip(request)
    )
    ext = {"application/pdf": "pdf", "application/epub+zip": "epub"}.get(resource.mime, "bin")
    response = FileResponse(
        stream,
        content_type=resource.mime or "application/octet-stream",
        as_attachment=not inline,
        filename=f"tai-lieu-{resource.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        )
    return response


@login_required
@require_POST
def vet(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_or_404(request.user, "library.digital.view", RESOURCES, pk=pk)
    try:
        digital.resource_vet(
            actor=request.user,
            resource=resource,
            approve=request.POST.get("approve") == "1",
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi quyết định."))
    return redirect("library:digital")


@login_required
@require_POST
def propose_up(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_or_404(request.user, "library.digital.view", RESOURCES, pk=pk)
    try:
        digital.resource_propose_up(actor=request.user, resource=resource, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã đề xuất lên đơn vị cấp trên."))
    return redirect("library:digital")
