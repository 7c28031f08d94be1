"""Web pages of the gradebook: class list, entry grid (JSON save), corrections, windows,
publication and the parent's view. Thin: every rule is in services/selectors/policies."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip, safe_redirect_target
from hoso.grading import selectors
from hoso.grading.catalogue import cell_labels, sheet_columns, sheets_of
from hoso.grading.compute import class_cells
from hoso.grading.guardians import consented_student_ids, linked_student_ids
from hoso.grading.hocba.selectors import hoc_ba_for
from hoso.grading.models import CorrectionStatus, WindowCheckpoint
from hoso.grading.rules.subjects import subject_names
from hoso.grading.services.entries import (
    CellChange,
    SaveOutcome,
    entries_save_valid,
    require_enter,
)
from hoso.grading.services.windows import (
    correction_approve,
    correction_refuse,
    correction_request,
    results_publish,
    window_close,
    window_open,
)
from hoso.grading.sheets import CHECKPOINTS, PCNL, REN_LUYEN, grid_text
from hoso.grading.views.grid_rows import (
    averaged_subject,
    averages_json,
    grid_averages,
    head_items,
    row_items,
)
from hoso.org.models import Student, Unit, UnitKind
from hoso.org.selectors import class_roster
from hoso.org.years import current_year
from hoso.policy import can, get_or_404

TERMS = [("HK1", _lazy("Học kì I")), ("HK2", _lazy("Học kì II")), ("CN", _lazy("Cả năm"))]
MAX_BATCH = 2000  # cells per save request of the grid (grid.js sends at most 500)


@login_required
def classes(request: HttpRequest) -> HttpResponse:
    return render(request, "grading/classes.html", {"classes": selectors.classes_for(request.user)})


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    sheets = [
        (sheet, title, can(request.user, "grading.sheet.enter", (school_class, sheet)))
        for sheet, title in sheets_of(school_class)
    ]
    context = {
        "school_class": school_class,
        "sheets": sheets,
        "terms": TERMS,
        "published": selectors.published_terms(school_class),
        "can_publish": can(request.user, "grading.results.publish", school_class),
        "can_hocba": can(request.user, "grading.hocba.manage", school_class),
    }
    return render(request, "grading/class_detail.html", context)


def _grid_context(request: HttpRequest, school_class: Unit, sheet: str) -> dict[str, Any]:
    checkpoint = request.GET.get("dot", "cuoi_hk1") if sheet == PCNL else None
    if checkpoint is not None and checkpoint not in CHECKPOINTS:
        raise Http404
    columns = sheet_columns(school_class, sheet, checkpoint)
    assert school_class.school_year is not None
    students = class_roster(school_class, school_class.school_year)
    cells = class_cells(school_class)
    windows = selectors.open_windows(school_class)
    editable = can(request.user, "grading.sheet.enter", (school_class, sheet))
    header = [(c, editable and selectors.is_open(windows, school_class, c)) for c in columns]
    subject = averaged_subject(school_class, sheet)
    averages = grid_averages(school_class, subject, students)
    received: dict[int, dict[tuple[str, str], str]] = {}
    for (student_id, area, slot), origin in selectors.received_cells(school_class).items():
        received.setdefault(student_id, {})[(area, slot)] = origin
    rows = [
        (
            number,
            student,
            row_items(
                header,
                cells.get(student.pk, {}),
                averages.get(student.pk),
                received.get(student.pk),
            ),
        )
        for number, student in enumerate(students, start=1)
    ]
    return {
        "school_class": school_class,
        "sheet": sheet,
        "title": dict(sheets_of(school_class)).get(sheet, sheet),
        "header": header,
        "head": head_items(header, subject is not None),
        "rows": rows,
        "editable": editable,
        "any_open": any(open_ for _column, open_ in header),
        "received_from": sorted({o for cells in received.values() for o in cells.values()}),
        "checkpoint": checkpoint,
        "checkpoints": [(c, WindowCheckpoint(c).label) for c in CHECKPOINTS],
        "pending": _with_labels(
            selectors.corrections_for(request.user, status=CorrectionStatus.PENDING).filter(
                school_class=school_class
            )
        ),
    }


def _with_labels(rows: Any) -> list[Any]:
    found = list(rows[:200])
    labels = cell_labels([(r.school_class, r.area, r.slot) for r in found])
    for row, label in zip(found, labels, strict=True):
        row.cell_label = label
    return found


@login_required
def grid(request: HttpRequest, pk: int, sheet: str) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    try:
        context = _grid_context(request, school_class, sheet)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return render(request, "grading/grid.html", context)


@login_required
@require_POST
def grid_save(request: HttpRequest, pk: int, sheet: str) -> JsonResponse:
    """JSON in: {"cells": [{"key": "student|area|slot", "value": "…"}]}. The cells the rules
    accept are saved, the others are not, and every cell is answered: {"saved": [{"key",
    "text"}], "refused": [{"key", "value", "reason"}], "averages": {student id: {"HK1"|"HK2"|
    "CN": {"text", "reason"}}}} (averages only for a scored THCS/THPT subject, for the pupils
    with saved cells). 200 when every cell was saved; 400 when any was refused, with "message"
    and "fields" as well (a client that only reads the status must not take it as all saved).
    A batch refused as a whole (permission, unreadable body): {"code", "message", "fields"}
    with 400/403/404 and nothing saved."""
    school_class = selectors.class_for(request.user, pk)
    try:
        changes = _parse_cells(request.body)
        outcome = entries_save_valid(
            actor=request.user,
            school_class=school_class,
            sheet=sheet,
            changes=changes,
            ip=client_ip(request),
        )
    except DomainError as exc:
        body = {"code": exc.code, "message": exc.message, "fields": exc.fields}
        return JsonResponse(body, status=exc.status)
    return _answer(school_class, sheet, changes, outcome)


def _answer(
    school_class: Unit, sheet: str, changes: list[CellChange], outcome: SaveOutcome
) -> JsonResponse:
    kinds = {c.key: c.kind for c in sheet_columns(school_class, sheet)}
    sent = {c.key: c.value for c in changes}
    pupils = sorted({c.student_id for c in outcome.saved})
    averages = grid_averages(school_class, averaged_subject(school_class, sheet), pupils)
    body: dict[str, Any] = {
        "saved": [
            {"key": c.key, "text": grid_text(kinds[f"{c.area}|{c.slot}"], c.value)}
            for c in outcome.saved
        ],
        "refused": [
            {"key": key, "value": sent[key], "reason": reason}
            for key, reason in outcome.refused.items()
        ],
        "averages": averages_json(averages),
    }
    if not outcome.refused:
        return JsonResponse(body)
    message = _("{refused} ô chưa lưu được (đã lưu {saved} ô); sửa các ô màu đỏ.")
    body["code"] = "invalid"
    body["message"] = message.format(refused=len(outcome.refused), saved=len(outcome.saved))
    body["fields"] = {key: [reason] for key, reason in outcome.refused.items()}
    return JsonResponse(body, status=400)


def _parse_cells(body: bytes) -> list[CellChange]:
    try:
        data = json.loads(body or b"{}")
        cells = data["cells"]
        too_many = len(cells) > MAX_BATCH
        changes = []
        for cell in [] if too_many else cells:
            student, area, slot = str(cell["key"]).split("|")
            changes.append(CellChange(int(student), area, slot, str(cell.get("value", ""))))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DomainError(_("Dữ liệu gửi lên không đọc được.")) from exc
    if too_many:
        # Refused whole rather than cut: a cell left out must not look saved.
        message = _("Gửi quá nhiều ô một lần (tối đa {max}); chưa lưu ô nào.")
        raise DomainError(message.format(max=MAX_BATCH))
    return changes


@login_required
@require_POST
def correction_new(request: HttpRequest, pk: int, sheet: str) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    column = request.POST.get("column", "")
    try:
        area, slot = column.split("|", 1)
        student = Student.objects.get(pk=int(request.POST.get("student", "0")))
        require_enter(request.user, school_class, sheet)
        correction_request(
            actor=request.user,
            school_class=school_class,
            sheet=sheet,
            student=student,
            area=area,
            slot=slot,
            new_value=request.POST.get("new_value", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Đã gửi yêu cầu điều chỉnh; chờ hiệu trưởng duyệt."))
    except (ValueError, Student.DoesNotExist):
        messages.error(request, _("Hãy chọn học sinh và cột cần điều chỉnh."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(
        safe_redirect_target(request, request.POST.get("back"), reverse("grading:classes"))
    )


@login_required
def corrections(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("trang-thai", CorrectionStatus.PENDING)
    rows = _with_labels(selectors.corrections_for(request.user, status=status or None))
    decide = {r.pk for r in rows if can(request.user, "grading.correction.decide", r)}
    return render(
        request,
        "grading/corrections.html",
        {"rows": rows, "decide": decide, "status": status, "statuses": CorrectionStatus.choices},
    )


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_or_404(
        request.user, "grading.correction.view", selectors.corrections_for(request.user), pk=pk
    )
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            correction_approve(actor=request.user, request=req, note=note)
            messages.success(request, _("Đã duyệt và cập nhật điểm."))
        else:
            correction_refuse(actor=request.user, request=req, note=note)
            messages.success(request, _("Đã từ chối yêu cầu."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("grading:corrections")


@login_required
def windows(request: HttpRequest) -> HttpResponse:
    schools = [
        s
        for s in Unit.objects.filter(kind=UnitKind.TRUONG, is_active=True)
        if can(request.user, "grading.window.manage", s)
    ]
    if not schools:
        raise Http404
    if request.method == "POST":
        _open_from_form(request, schools)
        return redirect("grading:windows")
    classes = Unit.objects.filter(
        kind=UnitKind.LOP, school__in=schools, school_year=current_year()
    ).order_by("grade", "name")
    return render(
        request,
        "grading/windows.html",
        {
            "rows": selectors.windows_for(request.user)[:100],
            "schools": schools,
            "classes": classes,
            "checkpoints": WindowCheckpoint.choices,
            "sheets": [
                (PCNL, _("Phẩm chất, năng lực (tiểu học)")),
                (REN_LUYEN, _("Rèn luyện (THCS, THPT)")),
                *sorted(subject_names().items(), key=lambda item: item[1]),
            ],
        },
    )


def _open_from_form(request: HttpRequest, schools: list[Unit]) -> None:
    post = request.POST
    try:
        school = next(s for s in schools if str(s.pk) == post.get("school"))
        school_class = None
        if post.get("school_class"):
            school_class = Unit.objects.get(pk=int(post["school_class"]), kind=UnitKind.LOP)
        window_open(
            actor=request.user,
            school=school,
            reason=post.get("reason", ""),
            checkpoint=post.get("checkpoint", ""),
            grade=int(post["grade"]) if post.get("grade") else None,
            school_class=school_class,
            sheet=post.get("sheet", "").strip(),
        )
        messages.success(request, _("Đã mở sổ nhập điểm."))
    except (StopIteration, ValueError, Unit.DoesNotExist):
        messages.error(request, _("Thông tin mở sổ không hợp lệ."))
    except DomainError as exc:
        messages.error(request, exc.message)


@login_required
@require_POST
def window_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_or_404(
        request.user, "grading.window.manage", selectors.windows_for(request.user), pk=pk
    )
    try:
        window_close(actor=request.user, window=window, reason=request.POST.get("reason", ""))
        messages.success(request, _("Đã khóa sổ."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("grading:windows")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = selectors.class_for(request.user, pk)
    try:
        results_publish(
            actor=request.user, school_class=school_class, term=request.POST.get("term", "")
        )
        messages.success(request, _("Đã công bố kết quả cho học sinh và cha mẹ học sinh."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("grading:class", pk=pk)


@login_required
def my_children(request: HttpRequest) -> HttpResponse:
    return render(
        request, "grading/my_children.html", {"children": selectors.children_of(request.user)}
    )


@login_required
def child_results(request: HttpRequest, student_id: int) -> HttpResponse:
    if student_id in linked_student_ids(request.user) - consented_student_ids(request.user):
        # A linked parent who has not consented (or withdrew) reads the consent text first.
        return redirect("families:consent", pk=student_id)
    student = get_or_404(
        request.user, "grading.student.results", Student.objects.all(), pk=student_id
    )
    results = selectors.published_results(student)
    # Only issued học bạ (every signature verified, §10.15); the policy hides the rest.
    hoc_ba = hoc_ba_for(request.user).filter(student=student).order_by("-number")
    return render(
        request,
        "grading/child_results.html",
        {"student": student, "results": results, "hoc_ba": hoc_ba},
    )
