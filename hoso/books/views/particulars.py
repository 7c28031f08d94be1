"""Pages of the official books: what a class still lacks, and the form to fill a student's
particulars (thin: selectors and services do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hoso.books import selectors
from hoso.books.missing import Book
from hoso.books.services.particulars import parse_particulars, particulars_fill
from hoso.core.errors import DomainError
from hoso.grading.selectors import class_for
from hoso.org.particulars import ethnicities
from hoso.policy import can

BOOK_TITLES = {
    Book.HOCBA_TH: _lazy("Học bạ tiểu học (TT 27/2020)"),
    Book.HOCBA_THCS: _lazy("Học bạ (TT 22/2021)"),
    Book.SO_DANG_BO: _lazy("Sổ đăng bộ"),
    Book.SO_THEO_DOI: _lazy("Sổ theo dõi và đánh giá học sinh (theo lớp học)"),
    Book.BANG_TONG_HOP: _lazy("Bảng tổng hợp kết quả đánh giá giáo dục của lớp"),
}


@login_required
def class_missing(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_for(request.user, pk)
    books = [
        {
            "title": BOOK_TITLES[book],
            "rows": [
                {
                    "student": student,
                    "missing": missing,
                    "can_fill": can(request.user, "books.student.fill", student),
                }
                for student, missing in rows
            ],
        }
        for book, rows in selectors.missing_for_class(school_class).items()
    ]
    return render(
        request, "books/class_missing.html", {"school_class": school_class, "books": books}
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return ""


@login_required
def student_fill(request: HttpRequest, pk: int) -> HttpResponse:
    student = selectors.student_to_fill(request.user, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            changes = parse_particulars(request.POST.dict())
            changed = particulars_fill(actor=request.user, student=student, changes=changes)
        except DomainError as exc:
            messages.error(request, exc.message)
            errors = exc.fields or {}
        else:
            messages.success(
                request,
                _("Đã lưu %(changed)s thông tin.") % {"changed": len(changed)}
                if changed
                else _("Không có gì thay đổi."),
            )
            return redirect(_next(request) or request.path)
        student.refresh_from_db()
    level = student.school.level
    return render(
        request,
        "books/student_fill.html",
        {
            "student": student,
            "errors": errors,
            "ethnicities": ethnicities(),
            "missing": selectors.particulars_missing_all(student, level),
            "next": _next(request),
        },
    )
