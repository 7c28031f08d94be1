"""The student's "Quá trình học tập" page and its actions; the receiving school's upload of a
transfer package (preview, then take in). Thin: services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.org.models import Student, Unit
from hoso.org.years import current_year
from hoso.schoollife import selectors
from hoso.schoollife.models import MovementKind
from hoso.schoollife.services import movements
from hoso.schoollife.services.receive import transfer_in, transfer_in_preview
from hoso.schoollife.services.transfer import transfer_out
from hoso.storage import BlobNotFound, blob_store, max_upload_bytes

ZIP = "application/zip"
LEFT_OUT = gettext_noop(
    "Lớp nhận không có một số môn hoặc cột của kết quả chuyển đến: xem danh sách ở quá trình "
    "học tập của học sinh."
)
PAGE_SIZE = 50


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get("on", "").strip())
    except ValueError as exc:
        raise DomainError(_("Ngày không hợp lệ.")) from exc


def _class(request: HttpRequest, student: Student, field: str) -> Unit | None:
    value = request.POST.get(field, "")
    if not value:
        return None
    found = Unit.objects.filter(pk=value if value.isdigit() else 0, kind="LOP").first()
    if found is None or found.school_id != student.school_id:
        raise DomainError(_("Lớp không thuộc trường của học sinh."))
    return found


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    """The movements of the schools the person records for, newest first, and the way to
    take a transferred student in: the school-life entry of the menu."""
    schools = list(selectors.receiving_schools(request.user))
    if not schools:
        raise Http404
    kind = request.GET.get("loai", "")
    kind = kind if kind in MovementKind.values else ""
    rows = selectors.movements_listed(request.user, kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kinds": MovementKind.choices, "schools": schools}
    return render(request, "schoollife/index.html", context)


@login_required
def student_page(request: HttpRequest, pk: int) -> HttpResponse:
    student = selectors.student_for(request.user, pk)
    year = current_year()
    enrolments = list(selectors.enrolments_of(student))
    current = next((e for e in enrolments if year and e.school_year_id == year.pk), None)
    context = {
        "student": student,
        "movements": selectors.movements_of(student),
        "enrolments": enrolments,
        "current": current,
        "can_record": selectors.can_record(request.user, student),
        "classes": selectors.classes_for_move(student),
        "kinds": MovementKind,
    }
    return render(request, "schoollife/student.html", context)


def _action(work: Callable[[HttpRequest, Student], Any], done: Any) -> Any:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        student = selectors.student_for(request.user, pk)
        if not selectors.can_record(request.user, student):
            raise PermissionDenied
        try:
            work(request, student)
            messages.success(request, done)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("schoollife:student", pk=student.pk)

    return view


def _admit(request: HttpRequest, student: Student) -> None:
    school_class = _class(request, student, "school_class")
    if school_class is None:
        raise DomainError(_("Hãy chọn lớp."))
    movements.admission_record(
        actor=request.user,
        student=student,
        school_class=school_class,
        on=_day(request),
        document_number=request.POST.get("document_number", ""),
        ip=client_ip(request),
    )


def _change(request: HttpRequest, student: Student) -> None:
    to_class = _class(request, student, "to_class")
    if to_class is None:
        raise DomainError(_("Hãy chọn lớp."))
    movements.class_change(
        actor=request.user,
        student=student,
        to_class=to_class,
        on=_day(request),
        document_number=request.POST.get("document_number", ""),
        reason=request.POST.get("reason", ""),
        ip=client_ip(request),
    )


def _drop(request: HttpRequest, student: Student) -> None:
    movements.drop_out_record(
        actor=request.user,
        student=student,
        on=_day(request),
        reason=request.POST.get("reason", ""),
        document_number=request.POST.get("document_number", ""),
        ip=client_ip(request),
    )


def _repeat(request: HttpRequest, student: Student) -> None:
    year = current_year()
    row = selectors.enrolments_of(student).filter(school_year=year).first()
    if row is None:
        raise DomainError(_("Học sinh chưa được xếp lớp năm học này."))
    movements.repeat_record(
        actor=request.user,
        student=student,
        school_class=row.school_class,
        document_number=request.POST.get("document_number", ""),
        ip=client_ip(request),
    )


def _complete(request: HttpRequest, student: Student) -> None:
    movements.completion_record(
        actor=request.user,
        student=student,
        on=_day(request),
        document_number=request.POST.get("document_number", ""),
        ip=client_ip(request),
    )


def _transfer(request: HttpRequest, student: Student) -> None:
    """The sending school's seal, unlocked with its passphrase (PKCS#12) or PIN (token)."""
    from hoso.signing.models import CertKind
    from hoso.signing.services.signers import signer_close, signer_for

    if not selectors.can_record(request.user, student):  # before unlocking any key
        raise DomainError(_("Bạn không được ghi quá trình học tập của học sinh này."))
    handle = signer_for(
        actor=request.user,
        kind=CertKind.SEAL,
        unit=student.school,
        passphrase=request.POST.get("passphrase") or None,
        pin=request.POST.get("pin") or None,
    )
    try:
        transfer_out(
            actor=request.user,
            student=student,
            on=_day(request),
            to_school_name=request.POST.get("to_school", ""),
            signer=handle.signer,
            document_number=request.POST.get("document_number", ""),
            ip=client_ip(request),
        )
    finally:
        signer_close(handle)


admit = _action(_admit, gettext_lazy("Đã ghi nhập học."))
change_class = _action(_change, gettext_lazy("Đã chuyển lớp."))
drop_out = _action(_drop, gettext_lazy("Đã ghi học sinh bỏ học."))
repeat = _action(_repeat, gettext_lazy("Đã ghi học sinh lưu ban."))
complete = _action(_complete, gettext_lazy("Đã ghi hoàn thành chương trình cấp học."))
transfer = _action(
    _transfer, gettext_lazy("Đã ghi chuyển đi và lập gói hồ sơ chuyển trường có chữ ký số.")
)


def _download(sha256: str, name: str, content_type: str) -> FileResponse:
    with blob_store().open(sha256) as stream:
        data = stream.read()
    return FileResponse(BytesIO(data), as_attachment=True, filename=name, content_type=content_type)


@login_required
def package(request: HttpRequest, pk: int) -> FileResponse:
    movement = selectors.package_for(request.user, pk)
    name = f"ho-so-chuyen-truong-{movement.student.code}-{movement.on:%Y%m%d}.zip"
    return _download(movement.package_sha256, name, ZIP)


@login_required
def received_file(request: HttpRequest, pk: int) -> FileResponse:
    found = selectors.received_file_for(request.user, pk)
    kind = "application/pdf" if found.name.endswith(".pdf") else "application/xml"
    return _download(found.sha256, found.name.rsplit("/", 1)[-1], kind)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """Upload a package → its verified contents; confirm → the student is taken in."""
    schools = list(selectors.receiving_schools(request.user))
    if not schools:
        raise Http404
    context: dict[str, Any] = {"schools": schools, "preview": None}
    status = 200
    if request.method == "POST":
        try:
            context.update(_receive_step(request, schools))
            if context.get("done") is not None:
                messages.success(request, _("Đã nhận học sinh chuyển đến."))
                if context["done"].received_results.get("left_out"):
                    messages.warning(request, _(LEFT_OUT))
                return redirect("schoollife:student", pk=context["done"].student_id)
        except DomainError as exc:
            context["error"], status = exc.message, 400
    return render(request, "schoollife/receive.html", context, status=status)


def _receive_step(request: HttpRequest, schools: list[Unit]) -> dict[str, Any]:
    school = next((s for s in schools if str(s.pk) == request.POST.get("school")), None)
    if school is None:
        raise DomainError(_("Hãy chọn trường nhận."))
    data, sha = _package_bytes(request)
    if request.POST.get("confirm") != "1":
        preview = transfer_in_preview(actor=request.user, school=school, data=data)
        sha = blob_store().put(BytesIO(data)).sha256  # kept for the confirmation, verified
        classes = selectors.receiving_classes(school)
        born = preview.package.student.get("birth_date", "")
        return {
            "preview": preview,
            "school": school,
            "sha": sha,
            "classes": classes,
            "born": _vn_date(born),
        }
    school_class = (
        selectors.receiving_classes(school)
        .filter(pk=int(request.POST.get("school_class", "0") or 0))
        .first()
    )
    if school_class is None:
        raise DomainError(_("Hãy chọn lớp nhận học sinh."))
    done = transfer_in(
        actor=request.user,
        school_class=school_class,
        data=data,
        on=_day(request),
        document_number=request.POST.get("document_number", ""),
        ip=client_ip(request),
    )
    return {"done": done}


def _vn_date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _package_bytes(request: HttpRequest) -> tuple[bytes, str]:
    upload = request.FILES.get("package")
    if upload is not None:
        if upload.size is None or upload.size > max_upload_bytes():
            raise DomainError(_("Gói hồ sơ quá lớn."))
        return upload.read(), ""
    sha = request.POST.get("sha", "")
    if len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha):
        raise DomainError(_("Hãy chọn tệp gói hồ sơ chuyển trường (.zip)."))
    try:
        with blob_store().open(sha) as stream:
            return stream.read(), sha
    except (BlobNotFound, OSError) as exc:
        raise DomainError(_("Hãy chọn tệp gói hồ sơ chuyển trường (.zip).")) from exc
