"""Pages: "Minh chứng kiểm định" of a school (criteria with their evidence, filters, Excel and
zip exports) and the tag form of the record page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.audit.services import access_log
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.org.models import Unit
from hoso.records.evidence import exports, selectors
from hoso.records.evidence.criteria import Standard, normalize_code, standard, standards
from hoso.records.evidence.services import evidence_set
from hoso.records.views.files import visible_version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def evidence_home(request: HttpRequest) -> HttpResponse:
    """One school: straight to its page; an office: the schools below it."""
    schools = list(selectors.evidence_schools(request.user)[:2000])
    if len(schools) == 1:
        return HttpResponseRedirect(reverse("records:evidence", args=[schools[0].pk]))
    return render(request, "records/evidence_home.html", {"schools": schools})


def _filters(request: HttpRequest, school: Unit) -> tuple[Standard | None, str]:
    """The standard (?bo=, default the school's) and the criterion (?tieu_chi=) asked for;
    an unknown one is said on the page and ignored."""
    chosen = selectors.school_standard(school)
    asked = request.GET.get("bo", "")
    if asked:
        found = standard(asked)
        if found is None:
            messages.warning(request, _("Không có bộ tiêu chuẩn “%s”.") % asked[:40])
        else:
            chosen = found
    criterion = ""
    raw = request.GET.get("tieu_chi", "")
    if raw and chosen is not None:
        code = normalize_code(raw)
        if code is None or chosen.criterion(code) is None:
            messages.warning(request, _("Không có tiêu chí “%s” trong bộ tiêu chuẩn.") % raw[:40])
        else:
            criterion = code
    return chosen, criterion


@login_required
def evidence_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.evidence_school(request.user, pk)
    chosen, criterion = _filters(request, school)
    table = (
        selectors.evidence_table(
            request.user, school, standard_code=chosen.code, criterion=criterion
        )
        if chosen is not None
        else []
    )
    context: dict[str, Any] = {
        "school": school,
        "standard": chosen,
        "standards": standards(),
        "criterion": criterion,
        "table": table,
        "count": sum(len(row.tags) for group in table for row in group.rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "records/evidence.html", context)


def _export_rows(request: HttpRequest, pk: int) -> tuple[Unit, Standard, list[Any], str]:
    school = selectors.evidence_school(request.user, pk)
    chosen, criterion = _filters(request, school)
    if chosen is None:
        chosen = standards()[0]
    tags = list(
        selectors.evidence_of_school(
            request.user, school, standard_code=chosen.code, criterion=criterion
        )
    )
    tags.sort(key=lambda t: (_order(chosen, t.criterion), -t.version.uploaded_at.timestamp()))
    return school, chosen, tags, criterion


def _order(found: Standard, code: str) -> tuple[int, int]:
    criterion = found.criterion(code)
    return criterion.sort_key if criterion is not None else (99, 0)


def _log_export(request: HttpRequest, school: Unit, what: str, std: str, crit: str, n: int) -> None:
    # Who took which school's evidence, from where: committed before the file leaves.
    data = {"format": what, "standard": std, "criterion": crit, "rows": n}
    access_log(request, "records.evidence.exported", school, school.pk, data)


@login_required
def evidence_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    school, chosen, tags, criterion = _export_rows(request, pk)
    data = exports.evidence_xlsx(chosen, school.name, tags)
    _log_export(request, school, "xlsx", chosen.code, criterion, len(tags))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="minh-chung-{school.code}.xlsx"'
    return response


@login_required
def evidence_zip(request: HttpRequest, pk: int) -> HttpResponseBase:
    school, chosen, tags, criterion = _export_rows(request, pk)
    _log_export(request, school, "zip", chosen.code, criterion, len(tags))
    response = StreamingHttpResponse(exports.evidence_zip(tags), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="minh-chung-{school.code}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_tag(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The record page's form: the version's criteria become the ones ticked."""
    version = visible_version(request, pk, number)
    codes = request.POST.getlist("tieu_chi")
    back = reverse("records:detail", args=[pk]) + "#minh-chung"
    try:
        tags = evidence_set(
            actor=request.user, version_id=version.pk, codes=codes, ip=client_ip(request)
        )
    except DomainError as error:
        if error.status == 403:  # sees the record, may not tag it: nothing to go back to
            return HttpResponse(error.message, status=403)
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Đã lưu: phiên bản %(n)s là minh chứng của %(k)s tiêu chí.")
        % {"n": number, "k": len(tags)},
    )
    return HttpResponseRedirect(back)
