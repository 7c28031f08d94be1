"""Completion dashboard (with Excel export), the due-item extension form, and search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.audit.services import access_log
from hoso.core.errors import DomainError
from hoso.core.http import client_ip, safe_redirect_target
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.policy import can, get_or_404, visible
from hoso.records import completion, selectors, selectors_search
from hoso.records.models import DueItem, RecordState, RecordType
from hoso.records.periods import VN
from hoso.records.selectors import DueStatus
from hoso.records.services.deadlines import due_item_extend

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_day(value: str | None) -> dt.datetime | None:
    """dd/mm/yyyy or yyyy-mm-dd, as the start of that day in Vietnam time."""
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 — zone set below
        except ValueError:
            continue
        if not 2000 <= day.year <= 2100:
            break
        return day.replace(tzinfo=VN)
    raise DomainError(_("Ngày không đúng dạng dd/mm/yyyy."), fields={"date": [_("Sai ngày.")]})


def parse_due(value: str | None) -> dt.datetime:
    """A new deadline: a day (at 17:00 Vietnam time, as the page sets it) or an ISO time."""
    text = (value or "").strip()
    if not text:
        raise DomainError(_("Hãy chọn hạn mới."), fields={"due_at": [_("Hãy chọn hạn mới.")]})
    if len(text) <= 10:
        day = parse_day(text)
        assert day is not None
        return day.replace(hour=17)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        message = _("Hạn mới không đúng dạng (dd/mm/yyyy hoặc yyyy-mm-ddTHH:MM).")
        raise DomainError(message, fields={"due_at": [message]})
    return moment if moment.tzinfo else moment.replace(tzinfo=VN)


def window_from(params: Any) -> tuple[dt.datetime, dt.datetime]:
    start, end = completion.default_window()
    start = parse_day(params.get("from")) or start
    to = parse_day(params.get("to"))
    return start, (to + dt.timedelta(days=1) if to else end)


def top_units(user: Any) -> list[Unit]:
    units = visible(user, "records.unit.oversee", Unit.objects.exclude(kind=UnitKind.LOP))
    return list(units.order_by("path")[:200])


def _report_context(request: HttpRequest) -> dict[str, Any]:
    units = top_units(request.user)
    if not units:
        raise Http404
    unit = (
        completion.overseen_unit(request.user, request.GET["unit"])
        if request.GET.get("unit")
        else units[0]
    )
    start, end = window_from(request.GET)
    report = completion.completion_report(request.user, unit, start, end)
    matrix = None
    if unit.kind not in (UnitKind.SO, UnitKind.PHONG):
        matrix = completion.completion_matrix(request.user, unit, start, end)
    return {
        "units": units,
        "unit": unit,
        "report": report,
        "matrix": matrix,
        "labels": DueStatus.LABELS,
        "statuses": completion.STATUSES,
        "from": timezone.localtime(start).strftime("%d/%m/%Y"),
        "to": timezone.localtime(end - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
    }


@login_required
def completion_page(request: HttpRequest) -> HttpResponse:
    try:
        context = _report_context(request)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("records:completion"))
    return render(request, "records/completion.html", context)


@login_required
def completion_export(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    data = completion.completion_xlsx(context["report"], context["matrix"])
    unit, report = context["unit"], context["report"]
    # Who exported which unit's figures for which window, from where: recorded (and
    # committed) before the file leaves.
    access_log(
        request,
        "records.completion.exported",
        unit,
        unit.school_id or unit.pk,
        {
            "format": "xlsx",
            "unit": unit.pk,
            "from": context["from"],
            "to": context["to"],
            "rows": len(report.rows),
        },
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tinh-hinh-nop-ho-so.xlsx"'
    return response


@login_required
def due_items(request: HttpRequest) -> HttpResponse:
    unit = completion.overseen_unit(request.user, request.GET.get("unit", "0"))
    start, end = window_from(request.GET)
    items = list(selectors.due_items_for(request.user, unit=unit, start=start, end=end)[:500])
    # The extension form only for those the policy lets extend (school leaders).
    extendable = {i.pk for i in items if can(request.user, "records.due.extend", i)}
    return render(
        request,
        "records/due_items.html",
        {"unit": unit, "items": items, "labels": DueStatus.LABELS, "extendable": extendable},
    )


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_or_404(
        request.user, "records.due.view", selectors.due_items_visible_to(request.user), pk=pk
    )
    back = safe_redirect_target(request, request.POST.get("next"), reverse("records:completion"))
    try:
        due_item_extend(
            actor=request.user,
            item_id=item.pk,
            until=parse_due(request.POST.get("until")),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gia hạn."))
    return HttpResponseRedirect(back)


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def search_params(params: Any) -> selectors_search.SearchParams:
    """The search page's and the API's parameters (``truong`` or ``school``, ``loai`` or
    ``record_type``, …). Ids are only parsed here; the selector checks them."""

    def get(*names: str) -> str:
        return next((str(params.get(n)) for n in names if params.get(n)), "").strip()

    return selectors_search.SearchParams(
        q=get("q")[:200],
        school_id=_id(get("truong", "school")),
        record_type=get("loai", "record_type")[:50],
        school_year=get("nam_hoc", "school_year")[:9],
        state=get("trang_thai", "state")[:20],
        owner_id=_id(get("nguoi", "owner")),
        newest_first=get("sap_xep", "sort") in ("moi_nhat", "newest"),
        page=_id(get("page")) or 1,
    )


def _page_links(request: HttpRequest, page: int, pages: int) -> list[tuple[int, str]]:
    """(number, query string) for the pages around ``page``, first and last included."""
    shown = sorted({1, pages, *range(max(1, page - 3), min(pages, page + 3) + 1)} - {0})
    links = []
    for number in shown:
        query = request.GET.copy()
        query["page"] = str(number)
        links.append((number, query.urlencode()))
    return links


@login_required
def search(request: HttpRequest) -> HttpResponse:
    params = search_params(request.GET)
    user = request.user
    result = None
    if params.q or params.filtered:
        result = selectors_search.search_page(user, params)
    context = {
        "q": params.q,
        "params": params,
        "result": result,
        "pages": _page_links(request, result.page, result.pages) if result else [],
        "schools": selectors_search.search_schools(user),
        "record_types": RecordType.objects.filter(is_active=True).order_by("name"),
        "school_years": SchoolYear.objects.order_by("-name"),
        "states": RecordState.choices,
        "owners": selectors_search.search_owners(user, params.school_id),
    }
    return render(request, "records/search.html", context)


__all__ = ["DueItem", "completion_export", "completion_page", "due_items", "extend", "search"]
