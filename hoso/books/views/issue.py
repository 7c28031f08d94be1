"""Pages to generate and issue the school books: the school's books (HT, PHT, VT), a class's
books (also its GVCN), a whole-school batch and its progress. Signing happens on the record's
own page (hoso.records / hoso.signing), alone or in the signing batch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hoso.books import selectors
from hoso.books.models import BookKind
from hoso.books.services.batches import CLASS_BOOK, book_batch_create
from hoso.books.services.issue import TERMS, book_issue, level_of
from hoso.core.batches import Line, Progress
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.grading.selectors import class_for
from hoso.org.models import Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can

TERM_LABELS = {
    "": "",
    "HK1": gettext_lazy("Học kì I"),
    "HK2": gettext_lazy("Học kì II"),
    "CN": gettext_lazy("Cả năm"),
}


def _actions(school: Unit, school_class: Unit) -> list[dict[str, str]]:
    kind = CLASS_BOOK.get(level_of(school, school_class))
    if kind is None:
        return []
    return [
        {"kind": kind, "term": term, "label": f"{BookKind(kind).label} — {TERM_LABELS[term]}"}
        for term in TERMS[kind]
    ]


@login_required
def school_books(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_for(request.user, pk)
    classes = Unit.objects.filter(
        school=school, kind=UnitKind.LOP, school_year=current_year(), grade__gte=1
    ).order_by("grade", "name")
    return render(
        request,
        "books/school_books.html",
        {
            "school": school,
            "classes": [{"unit": c, "actions": _actions(school, c)} for c in classes],
            "editions": selectors.editions_of(school),
            "terms": [(k, v) for k, v in TERM_LABELS.items() if k],
        },
    )


@login_required
def class_books(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_for(request.user, pk)
    assert school_class.school is not None
    return render(
        request,
        "books/class_books.html",
        {
            "school_class": school_class,
            "actions": _actions(school_class.school, school_class),
            "can_generate": can(request.user, "books.class.generate", school_class),
            "editions": selectors.editions_of(school_class.school, school_class),
        },
    )


def _issue(request: HttpRequest, **where: Any) -> str:
    try:
        edition = book_issue(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            term=request.POST.get("term", ""),
            ip=client_ip(request),
            **where,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return ""
    messages.success(
        request,
        _("Đã lập %(kind)s (bản %(number)s) và trình ký.")
        % {"kind": edition.get_kind_display().lower(), "number": edition.number},
    )
    return reverse("records:detail", args=[edition.record_id])


@login_required
@require_POST
def school_issue(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_for(request.user, pk)
    target = _issue(request, school=school)
    return redirect(target) if target else redirect("books:school", pk=pk)


@login_required
@require_POST
def class_issue(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_for(request.user, pk)
    assert school_class.school is not None
    target = _issue(request, school=school_class.school, school_class=school_class)
    return redirect(target) if target else redirect("books:class", pk=pk)


@login_required
@require_POST
def batch_start(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_for(request.user, pk)
    try:
        batch = book_batch_create(
            actor=request.user,
            school=school,
            term=request.POST.get("term", ""),
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("books:school", pk=pk)
    return redirect("books:batch", pk=batch.pk)


BOOK_STATUS = {"done": gettext_lazy("đã lập và trình ký"), "failed": gettext_lazy("không lập được")}


def _book_line(item: Any) -> Line:
    name = " ".join(filter(None, [item.get_kind_display(), getattr(item.school_class, "name", "")]))
    status = str(BOOK_STATUS.get(item.status, _("đang chờ")))
    if item.edition is None:
        return Line(name, status, item.message)
    url = reverse("records:detail", args=[item.edition.record_id])
    return Line(name, status, item.message, url, _("bản %(n)s") % {"n": item.edition.number})


def _batch_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    batch = selectors.batch_for(request.user, pk)
    items = batch.items.select_related("school_class", "edition")
    lines = [_book_line(item) for item in items]
    url = reverse("books:batch-progress", args=[batch.pk])
    progress = Progress.of(batch, url, lines, failed_word=_("không lập được"))
    return {"batch": batch, "progress": progress}


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "books/batch.html", _batch_context(request, pk))


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/_batch_progress.html", _batch_context(request, pk))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = selectors.schools_for(request.user)
    if len(schools) == 1:
        return redirect("books:school", pk=schools[0].pk)
    return render(request, "books/index.html", {"schools": schools})
