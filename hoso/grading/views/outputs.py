"""Downloads: Bảng tổng hợp kết quả đánh giá của lớp as Excel and PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from hoso.audit.services import access_log
from hoso.grading import selectors
from hoso.grading.outputs.render import summary_pdf as render_pdf
from hoso.grading.outputs.render import summary_xlsx as render_xlsx
from hoso.grading.outputs.tables import summary_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(request: HttpRequest, pk: int, kind: str):  # type: ignore[no-untyped-def]
    school_class = selectors.class_for(request.user, pk)
    term = request.GET.get("ky", "HK1")
    if term not in ("HK1", "HK2", "CN"):
        raise Http404
    access_log(
        request,
        "grading.summary.exported",
        obj=school_class,
        unit_id=school_class.school_id,
        data={"term": term, "format": kind},
    )
    assert school_class.school is not None and school_class.school_year is not None
    return school_class, term, summary_table(school_class, term)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    school_class, term, table = _table(request, pk, "xlsx")
    body = render_xlsx(table, school=school_class.school.name, year=school_class.school_year.name)
    return _download(body, XLSX, f"tong-hop-{school_class.code}-{term}.xlsx")


@login_required
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    school_class, term, table = _table(request, pk, "pdf")
    body = render_pdf(table, school=school_class.school.name, year=school_class.school_year.name)
    return _download(body, "application/pdf", f"tong-hop-{school_class.code}-{term}.pdf")
