from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoso.core.errors import DomainError
from hoso.core.home import tasks_for
from hoso.core.http import client_ip
from hoso.org.importing.columns import SHEET_TITLES, SHEETS
from hoso.org.importing.services import ImportRejected, import_file
from hoso.org.importing.workbook import template_bytes
from hoso.org.models import Unit, UnitKind
from hoso.org.selectors import (
    classes_visible_to,
    roles_of,
    staff_visible_to,
    students_visible_to,
    units_visible_to,
)
from hoso.policy import get_or_404, visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the person has to do this week, then who they are where."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        "tasks": tasks_for(request.user),
        "roles": roles_of(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "org/home.html", context)


@login_required
def units(request: HttpRequest) -> HttpResponse:
    return render(request, "org/units.html", {"units": units_visible_to(request.user)})


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(staff_visible_to(request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "org/staff_list.html", {"page": page, "q": q})


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    classes = classes_visible_to(request.user)
    school_class = None
    if request.GET.get("lop"):
        school_class = get_or_404(request.user, "org.unit.view", classes, pk=request.GET["lop"])
    students = students_visible_to(request.user, school_class=school_class, q=q)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/student_list.html",
        {
            "page": page,
            "q": q,
            "classes": classes,
            "school_class": school_class,
            # the page of hoso.schoollife that takes a transferred student in
            "can_receive": visible(
                request.user, "schoollife.transfer.receive", Unit.objects.filter(kind="TRUONG")
            ).exists(),
        },
    )


def _import_schools(request: HttpRequest) -> list[Unit]:
    return list(
        visible(
            request.user, "org.school.manage", Unit.objects.filter(kind=UnitKind.TRUONG)
        ).order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    schools = _import_schools(request)
    if not schools:
        raise Http404
    context: dict[str, object] = {"schools": schools, "kinds": SHEET_TITLES, "result": None}
    if request.method == "POST":
        context.update(_run_import(request, schools))
    is_htmx = bool(getattr(request, "htmx", False))
    template = "org/_import_result.html" if is_htmx else "org/import.html"
    refused = context.get("errors") is not None  # row errors, or the whole file refused
    return render(request, template, context, status=400 if refused else 200)


def _run_import(request: HttpRequest, schools: list[Unit]) -> dict[str, object]:
    kind = request.POST.get("kind", "")
    school = next((s for s in schools if str(s.pk) == request.POST.get("school")), None)
    upload = request.FILES.get("file")
    if school is None or kind not in SHEETS or upload is None:
        return {"errors": [], "message": _("Hãy chọn trường, loại dữ liệu và tệp Excel.")}
    try:
        result = import_file(
            actor=request.user, kind=kind, school=school, data=upload.read(), ip=client_ip(request)
        )
    except ImportRejected as rejected:
        return {"errors": rejected.result.errors, "message": rejected.message}
    except DomainError as error:
        return {"errors": [], "message": error.message}
    return {"result": result, "kind_title": SHEET_TITLES[kind]}


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SHEETS or not _import_schools(request):
        raise Http404
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response
