"""Pages of the school leaders (phân công giảng dạy, GVCN, môn tự chọn) and of the Sở (cấu hình
các quy tắc chưa xác nhận). Thin: rules are in services.assignments and the policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.grading.catalogue import catalogue, class_subjects, config_for
from hoso.grading.importing_assignments import assignments_import, assignments_workbook
from hoso.grading.selectors import (
    HOMEROOM,
    assignments_of,
    config_units,
    managed_school,
    managed_schools,
    school_classes,
    school_grades,
    school_teachers,
)
from hoso.grading.services.assignments import (
    CONDUCT_RULES,
    AssignmentChange,
    assignments_assign,
    grading_config_assign,
    school_subjects_assign,
)
from hoso.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 5 * 1024 * 1024


def _school(request: HttpRequest, pk: int) -> Unit:
    return managed_school(request.user, pk)


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    schools = managed_schools(request.user)
    if not schools:
        raise Http404
    if len(schools) == 1:
        return redirect("grading:assignment-school", pk=schools[0].pk)
    return render(request, "grading/assignments.html", {"schools": schools})


@login_required
def assignment_school(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    assigned = assignments_of(school)
    grades = []
    for grade in school_grades(school):
        classes = school_classes(school, grade)
        cells = [
            f"{c.pk}|{s}" for c in classes for s in [HOMEROOM, *(x.code for x in class_subjects(c))]
        ]
        missing = sum(1 for cell in cells if cell not in assigned)
        grades.append((grade, len(classes), missing))
    teachers = _teacher_load(school, assigned)
    context = {"school": school, "grades": grades, "teachers": teachers}
    return render(request, "grading/assignment_school.html", context)


def _teacher_load(school: Unit, assigned: dict[str, int]) -> list[tuple[Any, list[str]]]:
    classes = {c.pk: c for c in school_classes(school)}
    names = {(c.pk, s.code): s.name for c in classes.values() for s in class_subjects(c)}
    load: dict[int, list[str]] = {}
    for key, teacher_id in sorted(assigned.items()):
        class_id, subject = key.split("|", 1)
        school_class = classes.get(int(class_id))
        if school_class is None:
            continue
        label = "GVCN" if subject == HOMEROOM else names.get((school_class.pk, subject), subject)
        load.setdefault(teacher_id, []).append(f"{school_class.name}: {label}")
    return [(t, load.get(t.pk, [])) for t in school_teachers(school)]


@login_required
def assignment_grid(request: HttpRequest, pk: int, grade: int) -> HttpResponse:
    school = _school(request, pk)
    if grade not in school_grades(school):
        raise Http404
    classes = school_classes(school, grade)
    assigned = assignments_of(school)
    errors: dict[str, list[str]] = {}
    submitted: dict[str, str] = {}
    if request.method == "POST":
        submitted = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("t-")}
        try:
            changes = _changes(submitted, assigned)
            count = assignments_assign(
                actor=request.user, school=school, changes=changes, ip=client_ip(request)
            )
            messages.success(
                request, _("Đã lưu phân công (%(count)s ô thay đổi).") % {"count": count}
            )
            return redirect("grading:assignment-grid", pk=pk, grade=grade)
        except DomainError as exc:
            messages.error(request, exc.message)
            errors = exc.fields
    subjects = _grade_subjects(classes)
    rows = [
        (
            c,
            [
                _cell(c, code, title, code == HOMEROOM or code in own, assigned, submitted, errors)
                for code, title in [(HOMEROOM, "GVCN"), *subjects]
            ],
        )
        for c in classes
        for own in [{s.code for s in class_subjects(c)}]
    ]
    context = {
        "school": school,
        "grade": grade,
        "subjects": [(HOMEROOM, "GVCN"), *subjects],
        "rows": rows,
        "teachers": school_teachers(school),
    }
    return render(request, "grading/assignment_grid.html", context, status=400 if errors else 200)


def _grade_subjects(classes: list[Unit]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for c in classes:
        for s in class_subjects(c):
            seen.setdefault(s.code, s.name)
    return list(seen.items())


def _cell(
    school_class: Unit,
    code: str,
    title: str,
    taught: bool,
    assigned: dict[str, int],
    submitted: dict[str, str],
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    key = f"{school_class.pk}|{code}"
    value = submitted.get(key, str(assigned.get(key, "")))
    return {
        "key": key,
        "column": code,
        "title": title,
        "taught": taught,
        "value": value,
        "errors": errors.get(key, []),
    }


def _changes(submitted: dict[str, str], assigned: dict[str, int]) -> list[AssignmentChange]:
    """Only the cells that differ from what is stored."""
    changes = []
    for key, raw in submitted.items():
        try:
            class_id, subject = key.split("|", 1)
            teacher = int(raw) if raw else None
            change = AssignmentChange(int(class_id), subject, teacher)
        except ValueError as exc:
            raise DomainError(_("Dữ liệu gửi lên không đọc được.")) from exc
        if assigned.get(key) != teacher:
            changes.append(change)
    return changes


@login_required
def school_subjects(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    grades = school_grades(school)
    try:
        grade = int(request.GET.get("khoi") or grades[0])
    except (ValueError, IndexError) as exc:
        raise Http404 from exc
    if grade not in grades:
        raise Http404
    if request.method == "POST":
        try:
            changed = school_subjects_assign(
                actor=request.user,
                school=school,
                grade=grade,
                enabled=set(request.POST.getlist("enabled")),
                ip=client_ip(request),
            )
            messages.success(
                request,
                _("Đã lưu các môn tự chọn (%(changed)s thay đổi).") % {"changed": len(changed)},
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?khoi={grade}")
    context = {
        "school": school,
        "grade": grade,
        "grades": grades,
        "rows": catalogue(school, grade),
        "config": config_for(school),
        "conduct_rules": CONDUCT_RULES,
    }
    return render(request, "grading/school_subjects.html", context)


@login_required
def assignment_export(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    data = assignments_workbook(actor=request.user, school=school, ip=client_ip(request))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="phan-cong-{school.code}.xlsx"'
    return response


@login_required
@require_POST
def assignment_import(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(_("Hãy chọn tệp Excel (.xlsx) phân công."))
        if upload.size is not None and upload.size > MAX_UPLOAD:
            raise DomainError(_("Tệp quá lớn (tối đa 5 MB)."))
        count = assignments_import(
            actor=request.user, school=school, data=upload.read(), ip=client_ip(request)
        )
        messages.success(
            request, _("Đã nhập phân công từ Excel (%(count)s ô thay đổi).") % {"count": count}
        )
    except DomainError as exc:
        detail = [f"{where}: {'; '.join(msgs)}" for where, msgs in list(exc.fields.items())[:10]]
        messages.error(request, " ".join([exc.message, *detail[1:]]))
    return redirect("grading:assignment-school", pk=pk)


# --- Sở: rule settings ---------------------------------------------------------------------------


@login_required
def rules_config(request: HttpRequest) -> HttpResponse:
    units = config_units(request.user)
    if not units:
        raise Http404
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if unit is None:
            messages.error(request, _("Hãy chọn Sở cần cấu hình."))
            return redirect("grading:rules-config")
        try:
            grading_config_assign(
                actor=request.user,
                unit=unit,
                min_test_score=request.POST.get("hoan_thanh_min_test_score"),
                conduct_year_rule=request.POST.get("conduct_year_rule", ""),
                ip=client_ip(request),
            )
            messages.success(
                request, _("Đã lưu cấu hình đánh giá cho %(name)s.") % {"name": unit.name}
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("grading:rules-config")
    rows = [(u, config_for(u)) for u in units]
    context = {"rows": rows, "conduct_rules": CONDUCT_RULES}
    return render(request, "grading/rules_config.html", context)
