"""Pages and downloads for files: MARC and Excel import/export, patron cards, copy labels,
the whole-class textbook flow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.library import excel
from hoso.library.models import BibRecord, ItemKind
from hoso.library.services import catalogue as catalogue_service
from hoso.library.services import circulation, imports
from hoso.library.views.catalogue import school_for
from hoso.org.models import Enrolment, Staff, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import get_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _uploaded(request: HttpRequest) -> bytes:
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("Hãy chọn tệp để nhập."))
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise DomainError(_("Tệp lớn quá 20 MB."))
    return bytes(upload.read())


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Nhập MARC 21 (ISO 2709 or MARCXML) or the Excel list: all or nothing."""
    school = school_for(request, pk, "library.manage")
    context: dict[str, Any] = {"school": school, "manage": True}
    status = 200
    if request.method == "POST":
        try:
            data = _uploaded(request)
            is_marc = request.POST.get("format") == "marc"
            service = imports.marc_import if is_marc else imports.excel_import
            result = service(actor=request.user, school=school, data=data, ip=client_ip(request))
        except DomainError as error:
            context["error"] = error
            status = 400
        else:
            done = _("Đã nhập %(records)s đầu sách, %(copies)s bản sách.")
            messages.success(request, done % {"records": result.records, "copies": result.copies})
            return redirect("library:catalogue", pk=school.pk)
    return render(request, "library/import.html", context, status=status)


@login_required
def excel_template(request: HttpRequest, pk: int) -> HttpResponse:
    school_for(request, pk, "library.manage")
    return _download(excel.template_bytes(), XLSX, "mau-danh-muc-sach.xlsx")


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    # MARC (pymarc) is imported by the export that writes it, not by a web process's start
    from hoso.library import marc

    school = school_for(request, pk, "library.manage")
    makers = {
        "mrc": (marc.export_iso2709, "application/marc", "mrc"),
        "xml": (marc.export_marcxml, "application/marcxml+xml", "xml"),
        "xlsx": (excel.excel_export, XLSX, "xlsx"),
    }
    if fmt not in makers:
        raise Http404(NOT_FOUND_MESSAGE)
    make, content_type, ext = makers[fmt]
    data = make(school)
    catalogue_service.export_logged(
        actor=request.user, school=school, what=f"catalogue.{fmt}", ip=client_ip(request)
    )
    return _download(data, content_type, f"thu-vien-{school.code}.{ext}")


@login_required
def patron_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """Cards of a class (?lop=id) or of the school's staff (no class)."""
    from hoso.library import cards  # reportlab, loaded by the first sheet printed

    school = school_for(request, pk, "library.manage")
    raw = request.GET.get("lop", "")
    if raw:
        school_class = get_or_404(
            request.user,
            "org.unit.view",
            Unit.objects.filter(school=school, kind=UnitKind.LOP),
            pk=raw,
        )
        enrolments = (
            Enrolment.objects.filter(school_class=school_class, school_year=current_year())
            .select_related("student")
            .order_by("student__sort_key")
        )
        items = [
            cards.Card(
                e.student.code,
                e.student.full_name,
                _("Lớp %(name)s") % {"name": school_class.name},
                school.name,
            )
            for e in enrolments
        ]
    else:
        staff = Staff.objects.filter(unit__school=school, is_active=True).select_related("unit")
        items = [cards.Card(s.code, s.full_name, s.unit.name, school.name) for s in staff]
    catalogue_service.export_logged(
        actor=request.user, school=school, what="patron_cards", ip=client_ip(request)
    )
    return _download(cards.patron_cards(items), "application/pdf", "the-ban-doc.pdf")


@login_required
def copy_labels(request: HttpRequest, pk: int) -> HttpResponse:
    from hoso.library import cards  # reportlab, loaded by the first sheet printed

    record = get_or_404(request.user, "library.manage", BibRecord.objects.all(), pk=pk)
    labels = [
        cards.Label(c.barcode, c.reg_number, record.title, record.call_number)
        for c in record.copies.exclude(status="weeded").order_by("reg_number")
    ]
    catalogue_service.export_logged(
        actor=request.user, school=record.school, what="labels", ip=client_ip(request)
    )
    return _download(cards.copy_labels(labels), "application/pdf", f"nhan-{record.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def class_flow(request: HttpRequest, pk: int) -> HttpResponse:
    """Sách giáo khoa: a whole class borrows at the start of the year, returns at the end."""
    school = school_for(request, pk, "library.manage")
    classes = Unit.objects.filter(school=school, kind=UnitKind.LOP, is_active=True).order_by("path")
    textbooks = BibRecord.objects.filter(school=school, kind=ItemKind.SGK).order_by(
        "grade", "title"
    )
    context: dict[str, Any] = {"school": school, "classes": classes, "manage": True}
    raw = request.POST.get("lop") or request.GET.get("lop") or ""
    school_class = classes.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    context["school_class"] = school_class
    if school_class is not None:
        context["textbooks"] = textbooks.filter(grade=school_class.grade) or textbooks
    status = 200
    if request.method == "POST" and school_class is not None:
        try:
            if request.POST.get("action") == "return":
                codes = request.POST.get("barcodes", "").split()
                context["returned"] = circulation.class_return(
                    actor=request.user,
                    school_class=school_class,
                    barcodes=codes,
                    ip=client_ip(request),
                )
            else:
                ids = [int(i) for i in request.POST.getlist("sach") if i.isdigit() and len(i) < 19]
                chosen = list(textbooks.filter(pk__in=ids))
                loans = circulation.class_checkout(
                    actor=request.user,
                    school_class=school_class,
                    records=chosen,
                    ip=client_ip(request),
                )
                context["done"] = _("Đã cho lớp %(name)s mượn %(count)s cuốn.") % {
                    "name": school_class.name,
                    "count": len(loans),
                }
        except DomainError as error:
            context["error"] = error.message
            status = 400
    elif request.method == "POST":
        context["error"] = _("Hãy chọn lớp.")
        status = 400
    return render(request, "library/class_flow.html", context, status=status)


@login_required
@require_POST
def settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.manage")
    try:
        catalogue_service.settings_update(
            actor=request.user,
            school=school,
            scheme=request.POST.get("scheme", ""),
            opac_public=request.POST.get("opac_public") == "1",
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã lưu cài đặt thư viện."))
    return redirect("library:dashboard", pk=school.pk)


@login_required
@require_POST
def reading_add(request: HttpRequest, pk: int) -> HttpResponse:
    import datetime as dt

    school = school_for(request, pk, "library.manage")
    try:
        raw_day = request.POST.get("day", "")
        try:
            day = dt.date.fromisoformat(raw_day)
        except ValueError as error:
            raise DomainError(_("Ngày không hợp lệ.")) from error
        raw_class = request.POST.get("lop", "")
        school_class = (
            Unit.objects.filter(school=school, kind=UnitKind.LOP, pk=int(raw_class)).first()
            if raw_class.isdigit() and len(raw_class) < 19
            else None
        )
        readers_raw = request.POST.get("readers", "0").strip()
        if not readers_raw.isdigit() or len(readers_raw) > 5:
            raise DomainError(_("Số bạn đọc phải là số."))
        catalogue_service.reading_session_add(
            actor=request.user,
            school=school,
            day=day,
            school_class=school_class,
            readers=int(readers_raw),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi tiết đọc."))
    return redirect("library:dashboard", pk=school.pk)
