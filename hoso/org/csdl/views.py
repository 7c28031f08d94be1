"""Pages of the CSDL ngành exchange: upload → preview (what will be created, changed, left
alone) → confirm; exports in the CSDL layouts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.org.csdl.layouts import layouts
from hoso.org.csdl.plan import CREATE, SAME, UPDATE
from hoso.org.csdl.services import (
    CsdlRejected,
    Preview,
    csdl_confirm,
    csdl_export,
    csdl_preview,
)
from hoso.org.models import Unit
from hoso.policy import get_or_404, visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 500  # rows listed per group on the page; the counts cover the rest


def _units(request: HttpRequest, action: str) -> list[Unit]:
    return list(visible(request.user, action, Unit.objects.all()).order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def csdl_page(request: HttpRequest) -> HttpResponse:
    schools = _units(request, "org.csdl.import")
    exports = _units(request, "org.csdl.export")
    if not schools and not exports:
        raise Http404
    chosen = request.POST.get("school") or request.GET.get("truong") or ""
    context: dict[str, object] = {
        "schools": schools,
        "exports": exports,
        "layouts": sorted(layouts().values(), key=lambda lay: (lay.entity, lay.id)),
        "chosen": chosen,
    }
    status = 200
    if request.method == "POST":
        school = get_or_404(request.user, "org.csdl.import", Unit.objects.all(), pk=chosen)
        context["school"] = school
        try:
            if request.POST.get("token"):
                done = csdl_confirm(
                    actor=request.user,
                    school=school,
                    token=request.POST["token"],
                    ip=client_ip(request),
                )
                context["done"] = done
                context["done_counts"] = {a: done.count(a) for a in (CREATE, UPDATE, SAME)}
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise DomainError(_("Hãy chọn tệp Excel (.xlsx) tải về từ CSDL ngành."))
                preview = csdl_preview(actor=request.user, school=school, data=upload.read())
                context.update(_preview_context(preview))
        except CsdlRejected as rejected:
            context.update({"message": rejected.message, "errors": rejected.plan.errors})
            status = 400
        except DomainError as error:
            context["message"] = error.message
            status = 400
    return render(request, "org/csdl.html", context, status=status)


def _preview_context(preview: Preview) -> dict[str, object]:
    plan = preview.plan
    groups = {
        action: [row for row in plan.rows if row.action == action]
        for action in (CREATE, UPDATE, SAME)
    }
    return {
        "plan": plan,
        "token": preview.token,
        "created": groups[CREATE][:SHOWN_ROWS],
        "updated": groups[UPDATE][:SHOWN_ROWS],
        "same": groups[SAME][:SHOWN_ROWS],
        "counts": {action: len(rows) for action, rows in groups.items()},
        "errors": plan.errors,
        "message": (
            _("Tệp có lỗi: không dòng nào sẽ được ghi. Hãy sửa các lỗi dưới đây rồi tải lên lại.")
            if plan.errors
            else ""
        ),
    }


@login_required
@require_GET
def csdl_download(request: HttpRequest, layout_id: str) -> HttpResponse:
    if layout_id not in layouts():
        raise Http404
    unit = get_or_404(
        request.user, "org.csdl.export", Unit.objects.all(), pk=request.GET.get("don_vi", "")
    )
    data = csdl_export(actor=request.user, unit=unit, layout_id=layout_id, ip=client_ip(request))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="csdl-{layout_id}-{unit.pk}.xlsx"'
    return response
