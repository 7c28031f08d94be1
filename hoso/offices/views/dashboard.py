"""The operations dashboard page (charts drawn by static JS from a JSON block) and its Excel
export; drill-down by ?unit=<id> (Sở → Phòng → school → group → person)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.http import client_ip
from hoso.core.xlsx import safe_row
from hoso.offices import dashboard
from hoso.offices.exports import xlsx_response
from hoso.offices.services.dashboard import dashboard_exported
from hoso.org.models import Unit
from hoso.org.years import current_year
from hoso.policy import NOT_FOUND_MESSAGE, visible
from hoso.records.completion import overseen_unit


def board_for(request: HttpRequest) -> dashboard.Dashboard:
    year = current_year()
    if year is None:
        raise Http404(_("Chưa có năm học hiện tại."))
    wanted = request.GET.get("unit")
    if wanted:
        unit = overseen_unit(request.user, wanted)
    else:  # the highest unit the person oversees: the Sở, their Phòng, their school
        top = visible(request.user, "records.unit.oversee", Unit.objects.all()).order_by("path")
        found = top.first()
        if found is None:
            raise Http404(NOT_FOUND_MESSAGE)
        unit = found
    return dashboard.build(request.user, unit, year)


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    board = board_for(request)
    context: dict[str, Any] = {
        "board": board,
        "chart": dashboard.chart_data(board),
        "threshold": dashboard.alert_percent(),
        "gradebook_threshold": dashboard.gradebook_alert_percent(),
        "parent": board.unit.parent if board.unit.parent_id else None,
    }
    return render(request, "offices/dashboard.html", context)


def _figure_cells(row: Any) -> list[Any]:
    """Gradebook, học bạ and library cells; empty where the unit has no such figure."""
    f = row.figures
    pupils = f.get("pupils", 0)
    library = [f.get(k, 0) for k in ("lib_copies", "lib_loans", "lib_overdue")]
    return [
        row.gradebook_pct,
        f.get("hb_issued", 0) if pupils else None,
        pupils or None,
        *(library if row.has_library else [None, None, None]),
    ]


@login_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook  # for this export only, not when a web process starts

    board = board_for(request)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tình hình"
    sheet.append(safe_row([f"{board.unit.name} — năm học {board.year.name}"]))
    sheet.append(
        safe_row(
            [
                "Đơn vị",
                "Đúng hạn",
                "Trễ hạn",
                "Chưa nộp (quá hạn)",
                "% đã nộp",
                "Chờ ký",
                "Đã ký tuần này",
                "Văn bản đã mở",
                "Văn bản nhận",
                "Báo cáo đã nộp",
                "Báo cáo được yêu cầu",
                "% điểm đã nhập",
                "Học bạ đã ban hành",
                "Học sinh",
                "Bản sách",
                "Lượt mượn trong năm",
                "Lượt mượn quá hạn",
            ]
        )
    )
    for row in [*board.rows, board.total]:
        c = row.counts
        sheet.append(
            safe_row(
                [
                    c.label,
                    c.values["on_time"],
                    c.values["late"],
                    c.values["missing"],
                    c.pct_submitted,
                    row.signing_waiting,
                    row.signed_this_week,
                    *row.directives,
                    *row.reports,
                    *_figure_cells(row),
                ]
            )
        )
    weeks = book.create_sheet("Theo tuần")
    weeks.append(safe_row(["Tuần bắt đầu", "Đến hạn", "Đã nộp"]))
    for week in board.weeks:
        weeks.append(safe_row(list(week)))
    dashboard_exported(actor=request.user, unit=board.unit, ip=client_ip(request))
    return xlsx_response(book, f"tinh-hinh-{board.unit.code}.xlsx")


PDF_ROWS = 24  # units listed on the one page; more: the lowest and highest by % submitted


def _pdf_rows(rows: list[dashboard.Row]) -> tuple[list[dashboard.Row], list[dashboard.Row]]:
    """(rows to print, rows left out): all when they fit, else the bottom and top halves."""
    if len(rows) <= PDF_ROWS:
        return rows, []
    ranked = sorted(rows, key=lambda r: (r.counts.pct_submitted or 0, r.counts.label))
    half = PDF_ROWS // 2
    return ranked[:half] + ranked[-half:], ranked[half:-half]


@login_required
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The unit's figures on one A4 page (WeasyPrint), same policy as the page."""
    from weasyprint import HTML

    board = board_for(request)
    shown, left_out = _pdf_rows(board.rows)
    html = render_to_string(
        "offices/dashboard_pdf.html",
        {
            "board": board,
            "rows": shown,
            "left_out": len(left_out),
            "alerts": board.alerts[:10],
            "more_alerts": max(0, len(board.alerts) - 10),
            "today": timezone.localdate(),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    dashboard_exported(actor=request.user, unit=board.unit, ip=client_ip(request), fmt="pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tinh-hinh-{board.unit.code}.pdf"'
    return response
