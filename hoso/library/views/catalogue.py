"""Pages of the school library: dashboard, catalogue, cataloguing, OPAC, union catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.library import selectors
from hoso.library.catalog import TEXTBOOK_SERIES, bbk19_classes, ddc_classes
from hoso.library.models import BibRecord, Copy, CopyStatus, Hold, ItemKind, Loan, Scheme
from hoso.library.services import catalogue as catalogue_service
from hoso.org.models import Unit, UnitKind
from hoso.policy import can, get_or_404

PAGE_SIZE = 50
SCHOOLS = Unit.objects.filter(kind=UnitKind.TRUONG)


def school_for(request: HttpRequest, pk: int, action: str) -> Unit:
    return get_or_404(request.user, action, SCHOOLS, pk=pk)


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The thủ thư goes straight to their library; others choose among what they may see."""
    managed = list(selectors.managed_schools(request.user)[:2])
    if len(managed) == 1:
        return redirect("library:dashboard", pk=managed[0].pk)
    schools = selectors.opac_schools(request.user)
    units = Unit.objects.filter(kind__in=[UnitKind.PHONG, UnitKind.SO]).order_by("path")
    upper = [u for u in units[:200] if can(request.user, "library.union", u)]
    return render(
        request,
        "library/index.html",
        {
            "schools": schools,
            "staff_schools": selectors.viewable_schools(request.user),
            "report_schools": [s for s in schools if can(request.user, "library.report", s)],
            "upper": upper,
        },
    )


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.view")
    manage = can(request.user, "library.manage", school)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "school": school,
        "manage": manage,
        "titles": BibRecord.objects.filter(school=school).count(),
        "copies": Copy.objects.filter(school=school).exclude(status=CopyStatus.WEEDED).count(),
        "on_loan": Loan.objects.filter(school=school, returned_at__isnull=True).count(),
        "overdue": selectors.overdue(school, today).count(),
        "holds": Hold.objects.filter(school=school, status__in=["waiting", "ready"]).count(),
        "report": can(request.user, "library.report", school),
        "settings": catalogue_service.library_of(school),
        "schemes": Scheme.choices,
        "classes": Unit.objects.filter(school=school, kind=UnitKind.LOP, is_active=True).order_by(
            "path"
        ),
    }
    return render(request, "library/dashboard.html", context)


@login_required
def catalogue(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_for(request, pk, "library.view")
    q, kind = _q(request), request.GET.get("loai", "")
    records = selectors.school_records(school, q, kind if kind in ItemKind.values else "")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_availability(page.object_list)
    return render(
        request,
        "library/catalogue.html",
        {
            "school": school,
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": ItemKind.choices,
            "manage": can(request.user, "library.manage", school),
        },
    )


def _record_form_context(school: Unit, data: Any, error: DomainError | None) -> dict[str, Any]:
    scheme = catalogue_service.library_of(school).scheme
    return {
        "school": school,
        "data": data,
        "error": error,
        "kinds": ItemKind.choices,
        "schemes": Scheme.choices,
        "scheme": scheme,
        "classes": bbk19_classes() if scheme == Scheme.BBK19 else ddc_classes(),
        "textbook_series": TEXTBOOK_SERIES,
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Biên mục: a title by form (ISBN checked and hyphenated) and its first copies."""
    school = school_for(request, pk, "library.manage")
    if request.method == "GET":
        return render(request, "library/record_form.html", _record_form_context(school, {}, None))
    try:
        record = catalogue_service.record_create(
            actor=request.user, school=school, data=request.POST.dict(), ip=client_ip(request)
        )
        count = _int(request.POST.get("count"), 0)
        if count:
            price = _int(request.POST.get("price"), 0)
            item = catalogue_service.NewCopy(location=request.POST.get("location", ""), price=price)
            catalogue_service.copies_add(
                actor=request.user, record=record, items=[item] * count, ip=client_ip(request)
            )
    except DomainError as error:
        context = _record_form_context(school, request.POST, error)
        return render(request, "library/record_form.html", context, status=400)
    messages.success(request, _("Đã biên mục “%(title)s”.") % {"title": record.title})
    return redirect("library:record", pk=record.pk)


def _int(raw: Any, default: int) -> int:
    text = str(raw or "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise DomainError(_("Số bản, giá tiền phải là số nguyên không âm."))
    return int(text)


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_or_404(request.user, "library.view", BibRecord.objects.all(), pk=pk)
    return render(
        request,
        "library/record.html",
        {
            "record": record,
            "school": record.school,
            "copies": selectors.record_copies(record).prefetch_related("loans"),
            "holds": record.holds.filter(status__in=["waiting", "ready"]),
            "manage": can(request.user, "library.manage", record),
            "statuses": [
                (CopyStatus.LOST, _("Mất")),
                (CopyStatus.DAMAGED, _("Hư hỏng")),
                (CopyStatus.AVAILABLE, _("Trên giá")),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_or_404(request.user, "library.manage", BibRecord.objects.all(), pk=pk)
    if request.method == "POST":
        try:
            catalogue_service.record_update(
                actor=request.user, record=record, data=request.POST.dict(), ip=client_ip(request)
            )
        except DomainError as error:
            context = _record_form_context(record.school, request.POST, error)
            context["record"] = record
            return render(request, "library/record_form.html", context, status=400)
        messages.success(request, _("Đã lưu."))
        return redirect("library:record", pk=record.pk)
    data = {
        f: getattr(record, f) or ""
        for f in (
            "kind",
            "title",
            "authors",
            "publisher",
            "pub_place",
            "pub_year",
            "isbn",
            "subject",
            "grade",
            "series",
            "language",
            "class_number",
            "author_mark",
            "scheme",
        )
    }
    context = _record_form_context(record.school, data, None)
    context["record"] = record
    return render(request, "library/record_form.html", context)


@login_required
@require_POST
def copies_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_or_404(request.user, "library.manage", BibRecord.objects.all(), pk=pk)
    try:
        count = _int(request.POST.get("count"), 1)
        price = _int(request.POST.get("price"), 0)
        barcode = request.POST.get("barcode", "").strip()
        if barcode and count != 1:
            raise DomainError(_("Nhập mã vạch riêng thì mỗi lần chỉ một bản."))
        item = catalogue_service.NewCopy(
            location=request.POST.get("location", ""), price=price, barcode=barcode
        )
        copies = catalogue_service.copies_add(
            actor=request.user, record=record, items=[item] * count, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã thêm %(copies)s bản, số ĐKCB %(reg_number)s–%(reg_number2)s.")
            % {
                "copies": len(copies),
                "reg_number": copies[0].reg_number,
                "reg_number2": copies[-1].reg_number,
            },
        )
    return redirect("library:record", pk=record.pk)


@login_required
@require_POST
def copy_mark(request: HttpRequest, pk: int) -> HttpResponse:
    copy = get_or_404(request.user, "library.manage", Copy.objects.select_related("record"), pk=pk)
    try:
        catalogue_service.copy_mark(
            actor=request.user,
            copy=copy,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã ghi tình trạng bản %(barcode)s.") % {"barcode": copy.barcode}
        )
    return redirect("library:record", pk=copy.record_id)


def opac(request: HttpRequest, pk: int) -> HttpResponse:
    """Tra cứu: students' parents and staff of the school, anyone if the school allows."""
    school = SCHOOLS.filter(pk=pk).first() if str(pk).isdigit() else None
    public = school is not None and catalogue_service.library_of(school).opac_public
    if not public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if school is None or not can(request.user, "library.opac", school):
            raise Http404(NOT_FOUND_MESSAGE)
    assert school is not None
    q, kind = _q(request), request.GET.get("loai", "")
    records = selectors.school_records(school, q, kind if kind in ItemKind.values else "")
    page = Paginator(records, 20).get_page(request.GET.get("page")) if q or kind else None
    if page is not None:
        page.object_list = selectors.with_availability(page.object_list)
        ids = [r.pk for r in page]
        shelves = Copy.objects.filter(record_id__in=ids).exclude(status=CopyStatus.WEEDED)
        by_record: dict[int, list[Copy]] = {}
        for copy in shelves.order_by("reg_number"):
            by_record.setdefault(copy.record_id, []).append(copy)
        for record in page:
            record.shelf_copies = by_record.get(record.pk, [])[:20]  # type: ignore[attr-defined]
    return render(
        request,
        "library/opac.html",
        {
            "school": school,
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": ItemKind.choices,
            "patrons": selectors.own_patrons(request.user, school),
        },
    )


@login_required
def union(request: HttpRequest, pk: int) -> HttpResponse:
    """The union catalogue, through the project's search engine (search_index)."""
    from hoso.library.search_index import union_search

    unit = get_or_404(
        request.user, "library.union", Unit.objects.filter(kind__in=["PHONG", "SO"]), pk=pk
    )
    q, kind = _q(request), request.GET.get("loai", "")
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < len(raw) < 4 else 1
    results: list[BibRecord] = []
    total = 0
    if q:
        kind = kind if kind in ItemKind.values else ""
        ids, total = union_search(unit, q, kind, PAGE_SIZE, (number - 1) * PAGE_SIZE)
        found = BibRecord.objects.select_related("school").in_bulk(ids)
        results = selectors.with_availability([found[i] for i in ids if i in found])
    return render(
        request,
        "library/union.html",
        {
            "unit": unit,
            "results": results,
            "total": total,
            "number": number,
            "has_next": number * PAGE_SIZE < total,
            "q": q,
            "kind": kind,
            "kinds": ItemKind.choices,
        },
    )
