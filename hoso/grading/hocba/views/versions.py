"""Học bạ pages: list for a class, batch creation, one version, PDF/XML, signing, correction."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.audit.services import access_log
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.grading import selectors
from hoso.grading.hocba.chain import NEXT_STEP, signing_check
from hoso.grading.hocba.selectors import hoc_ba_for, read_blob, signable_for
from hoso.grading.hocba.services.batches import handle_for, hocba_batch_create, signature_png
from hoso.grading.hocba.services.versions import hocba_correct, hocba_sign
from hoso.grading.hocba.verify import SignaturesInvalid
from hoso.grading.hocba.verify import summary as verification_summary
from hoso.grading.models import HocBaBatch, HocBaStatus, HocBaVersion
from hoso.policy import can, get_or_404

MAX_P12 = 64 * 1024


@login_required
def class_hocba(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    if request.method == "POST":
        try:
            batch = hocba_batch_create(
                actor=request.user, school_class=school_class, ip=client_ip(request)
            )
            return redirect("grading:hocba-batch", pk=batch.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("grading:class-hocba", pk=pk)
    versions = hoc_ba_for(request.user).filter(school_class=school_class)
    return render(
        request,
        "grading/class_hocba.html",
        {
            "school_class": school_class,
            "versions": versions.order_by("student__sort_key", "-number"),
            "can_manage": can(request.user, "grading.hocba.manage", school_class),
            "can_sign": bool(signable_for(request.user, school_class)),
            "batches": HocBaBatch.objects.filter(
                school_class=school_class, user_id=request.user.pk or 0
            )[:5],
        },
    )


@login_required
def class_hocba_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """Batch: the latest version of every học bạ of the class, PDF + XML, in one zip."""
    school_class = selectors.class_for(request.user, pk)
    latest: dict[int, HocBaVersion] = {}
    for version in hoc_ba_for(request.user).filter(school_class=school_class):
        if version.student_id not in latest or version.number > latest[version.student_id].number:
            latest[version.student_id] = version
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for version in latest.values():
            stem = f"hoc-ba-{version.student.code}-v{version.number}"
            archive.writestr(f"{stem}.pdf", read_blob(version.pdf_sha256))
            archive.writestr(f"{stem}.xml", read_blob(version.xml_sha256))
    access_log(
        request,
        "grading.hocba.exported",
        obj=school_class,
        unit_id=school_class.school_id,
        data={"count": len(latest)},
    )
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="hoc-ba-{school_class.code}.zip"'
    return response


def _version(request: HttpRequest, pk: int) -> HocBaVersion:
    return get_or_404(request.user, "grading.hocba.view", hoc_ba_for(request.user), pk=pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    step = NEXT_STEP.get(HocBaStatus(version.status))
    staff = can(request.user, "grading.class.view", version.school_class)
    return render(
        request,
        "grading/hocba.html",
        {
            "v": version,
            "d": version.data,
            "next_step": step[0].label if step else None,
            "problems": signing_check(version),
            "signatures": version.signatures.select_related("signer"),
            "verification": verification_summary(version) if staff else None,
            "can_manage": can(request.user, "grading.hocba.manage", version.school_class),
        },
    )


def _file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    version = _version(request, pk)
    sha = version.pdf_sha256 if kind == "pdf" else version.xml_sha256
    body = read_blob(sha)
    if hashlib.sha256(body).hexdigest() != sha:  # never hand out a file changed in storage
        return HttpResponse(
            _("Tệp học bạ trong kho không khớp mã SHA-256 đã lưu; hãy báo quản trị hệ thống."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    access_log(
        request,
        "grading.hocba.downloaded",
        obj=version,
        unit_id=version.school_class.school_id,
        data={"format": kind},
    )
    content_type = "application/pdf" if kind == "pdf" else "application/xml"
    response = HttpResponse(body, content_type=content_type)
    name = f"hoc-ba-{version.student.code}-v{version.number}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "pdf")


@login_required
def xml(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "xml")


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the next step of the chain: with the certificate registered in the signing app
    (passphrase or PIN), or with a PKCS#12 file uploaded for this one signature (not kept)."""
    from hoso.signing.engine import SigningError
    from hoso.signing.services.signers import signer_close

    version = _version(request, pk)
    step = NEXT_STEP.get(HocBaStatus(version.status))
    handle = None
    try:
        if step is None:
            raise DomainError(_("Học bạ đã ban hành là bản chỉ đọc."))
        if not can(request.user, "grading.hocba.sign", version):  # before unlocking any key
            raise DomainError(
                _("Bước tiếp theo là: %(label)s; bạn không ký bước này.") % {"label": step[0].label}
            )
        signer, image, handle = _signer(request, version)
        hocba_sign(actor=request.user, version=version, signer=signer, image_png=image)
        messages.success(request, _("Đã ký số học bạ."))
    except SignaturesInvalid as exc:
        messages.error(request, exc.message)
        access_log(
            request,
            "grading.hocba.verification_failed",
            obj=version,
            unit_id=version.school_class.school_id,
            data={"problems": exc.problems},
        )
    except (SigningError, DomainError) as exc:
        messages.error(request, exc.message)
    finally:
        if handle is not None:
            signer_close(handle)
    return redirect("grading:hocba", pk=pk)


def _signer(request: HttpRequest, version: HocBaVersion) -> tuple[Any, bytes | None, Any]:
    """(signer, image, handle to close): an uploaded PKCS#12, or the registered certificate
    through the signing app (`signer_for`)."""
    from hoso.signing.engine.signers import Pkcs12Signer

    upload = request.FILES.get("p12")
    if upload is not None:
        from hoso.signing.services.certificates import ensure_personal_keys_allowed

        ensure_personal_keys_allowed()  # a key sent to the server, even for one signature
        if upload.size is None or upload.size > MAX_P12:
            raise DomainError(_("Tệp chứng thư số quá lớn."))
        signer = Pkcs12Signer(upload.read(), request.POST.get("passphrase", ""))
        return signer, signature_png(request.user, version, None), None
    handle = handle_for(
        request.user,
        version,
        passphrase=request.POST.get("passphrase") or None,
        pin=request.POST.get("pin") or None,
    )
    return handle.signer, signature_png(request.user, version, handle.image_png), handle


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        new = hocba_correct(
            actor=request.user, version=version, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, _("Đã lập bản điều chỉnh số %(number)s; cần ký lại.") % {"number": new.number}
        )
        return redirect("grading:hocba", pk=new.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("grading:hocba", pk=pk)
