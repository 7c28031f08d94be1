"""Pages: "Chờ ký" and "Chờ đóng dấu" queues with the sign form, batch progress (htmx poll),
certificates, validation, and the signatures panel of a record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.signing import batches, conf, services, verification
from hoso.signing.certificates import certificate_register, usable_certificates
from hoso.signing.models import Backend, CertKind, SignBatch
from hoso.signing.remote import selectors as remote_selectors
from hoso.signing.selectors import (
    certificates_visible,
    seal_queue,
    sign_queue,
    signatures_of_record,
)


def _queue_page(request: HttpRequest, *, seal: bool) -> HttpResponse:
    items = seal_queue(request.user) if seal else sign_queue(request.user)
    certs = usable_certificates(kind=CertKind.PERSONAL, owner=request.user)
    return render(
        request,
        "signing/queue.html",
        {
            "items": items,
            "seal": seal,
            "certificates": certs,
            "agent_url": conf.agent_url(),
            "title": "Chờ đóng dấu" if seal else "Chờ ký",
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
    service = services.version_seal if seal else services.version_sign
    try:
        service(
            actor=request.user,
            record_id=pk,
            passphrase=secret,
            pin=pin,
            certificate_id=cert_id,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã đóng dấu hồ sơ." if seal else "Đã ký số hồ sơ.")
    if request.POST.get("back") == "record":  # signed from the record page
        return HttpResponseRedirect(reverse("records:detail", args=[pk]))
    return HttpResponseRedirect(reverse("signing:seal-queue" if seal else "signing:sign-queue"))


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
    return render(request, "signing/_batch_progress.html", _batch_context(request, pk))


def _batch_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The batch and its items, named by the documents' titles."""
    batch = _batch(request, pk)
    return {"batch": batch, "items": batch.items.select_related("record").order_by("id")}


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
        raise DomainError("Bạn không quản lý chứng thư con dấu của đơn vị này.")
    return found[0]


@login_required
def certificates_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("Hãy chọn tệp chứng thư số (.cer, .pem, .crt hoặc .p12/.pfx).")
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
            messages.success(request, "Đã đăng ký chứng thư số.")
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
        },
    )


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
