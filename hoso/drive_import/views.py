"""Pages of the Drive/OneDrive import and the year export: a school's page (upload, batches,
exports), a batch (the tree with proposals, corrections, confirmation, progress), the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hoso.core.batches import Line, Progress
from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.drive_import import selectors
from hoso.drive_import.models import (
    BatchStatus,
    ExportStatus,
    ImportBatch,
    ImportItem,
    ItemState,
    RuleTarget,
    YearExport,
)
from hoso.drive_import.policies import MANAGE
from hoso.drive_import.services import batches, exports, rules
from hoso.org.models import SchoolYear, Staff
from hoso.policy import get_or_404
from hoso.records.periods import period_groups, period_label

PAGE = 200


def _school(request: HttpRequest, pk: int) -> Any:
    return get_or_404(request.user, MANAGE, selectors.SCHOOLS, pk=pk)


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    return get_or_404(request.user, MANAGE, ImportBatch.objects.select_related("school"), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = selectors.managed_schools(request.user)
    if len(schools) == 1:
        return redirect("drive_import:school", pk=schools[0].pk)
    return render(request, "drive_import/index.html", {"schools": schools})


@login_required
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    context: dict[str, Any] = {"school": school}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Hãy chọn tệp nén (.zip) để tải lên."))
            batch = batches.batch_upload(
                actor=request.user,
                school=school,
                stream=upload,
                filename=upload.name or "",
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error
            status = 400
        else:
            return redirect("drive_import:batch", pk=batch.pk)
    context.update(
        batches=selectors.batches_of(request.user, school)[:50],
        exports=selectors.exports_of(request.user, school)[:20],
        years=selectors.years(),
    )
    return render(request, "drive_import/school.html", context, status=status)


def _progress(request: HttpRequest, batch: ImportBatch) -> Progress:
    failed = batch.items.filter(state=ItemState.FAILED).order_by("shown_path")[:50]
    lines = [Line(i.shown_path, i.get_state_display(), i.message) for i in failed]
    url = reverse("drive_import:batch-progress", args=[batch.pk])
    return Progress.of(batch, url, lines, summary=_summary(batch))


def _summary(batch: ImportBatch) -> str:
    """The progress in one sentence that says "imported" once ("Đã nhập xong 3/3 tệp.")."""
    counts = {"done": batch.done, "total": batch.total, "failed": batch.failed}
    if batch.status == BatchStatus.QUEUED:
        text = ngettext("Chờ nhập %(total)s tệp.", "Chờ nhập %(total)s tệp.", batch.total)
    elif batch.status == BatchStatus.DONE and batch.failed:
        text = ngettext(
            "Đã nhập xong %(done)s/%(total)s tệp, %(failed)s tệp không nhập được.",
            "Đã nhập xong %(done)s/%(total)s tệp, %(failed)s tệp không nhập được.",
            batch.total,
        )
    elif batch.status == BatchStatus.DONE:
        text = ngettext(
            "Đã nhập xong %(done)s/%(total)s tệp.",
            "Đã nhập xong %(done)s/%(total)s tệp.",
            batch.total,
        )
    elif batch.failed:
        text = ngettext(
            "Đang nhập: xong %(done)s/%(total)s tệp, %(failed)s tệp lỗi.",
            "Đang nhập: xong %(done)s/%(total)s tệp, %(failed)s tệp lỗi.",
            batch.total,
        )
    else:
        text = ngettext(
            "Đang nhập: xong %(done)s/%(total)s tệp.",
            "Đang nhập: xong %(done)s/%(total)s tệp.",
            batch.total,
        )
    return text % counts


def _period_field(batch: ImportBatch, year_id: str = "", type_id: str = "") -> dict[str, Any]:
    """The correction form's period select: the periods of the year chosen in the form, else
    of the year most of the batch's files are for, else the current year; only the chosen
    type's periods when a type is chosen ("Tuần 39 (25/05–31/05/2026)", "Học kỳ II")."""
    year = selectors.years().filter(pk=year_id).first() if year_id.isdigit() else None
    year = year or selectors.batch_year(batch)
    kind = next((t for t in rules.school_types(batch.school) if str(t.pk) == type_id), None)
    groups = period_groups(year, kind.period if kind else "") if year else []
    return {"period_year": year, "period_groups": groups}


def _tree_rows(items: list[ImportItem]) -> list[dict[str, Any]]:
    """The page's items with the folders they start shown above them, indented."""
    rows: list[dict[str, Any]] = []
    shown: set[str] = set()
    for item in items:
        parts = item.shown_path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]) + "/"
            if folder not in shown:
                shown.add(folder)
                rows.append({"folder": folder, "name": parts[depth - 1], "depth": depth - 1})
        problem = batches.item_problem(item) if item.include else ""
        rows.append(
            {
                "item": item,
                "name": parts[-1],
                "depth": len(parts) - 1,
                "problem": problem,
                "period": _period(item),
            }
        )
    return rows


def _period(item: ImportItem) -> str:
    """The period as people read it ("Tuần 5 (07/10–13/10/2024)", "Học kỳ II")."""
    if not item.period_key or item.record_type is None or item.school_year is None:
        return ""
    kind = item.record_type
    return period_label(kind.period, kind.due_rule, item.school_year, item.period_key)


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    context: dict[str, Any] = {"batch": batch, "school": batch.school}
    status = 200
    if request.method == "POST":
        try:
            _batch_action(request, batch)
        except DomainError as error:
            context["error"] = error
            status = 400
        else:
            return redirect(request.get_full_path())
        batch.refresh_from_db()
    page = Paginator(selectors.items_of(batch), PAGE).get_page(request.GET.get("trang"))
    context.update(
        page=page,
        rows=_tree_rows(list(page.object_list)),
        folders=selectors.folders_of(batch) if batch.status == BatchStatus.READY else [],
        types=rules.school_types(batch.school),
        staff=Staff.objects.filter(unit__school=batch.school, user__isnull=False).order_by(
            "full_name"
        ),
        years=selectors.years(),
        **(_period_field(batch) if batch.status == BatchStatus.READY else {}),
        progress=_progress(request, batch)
        if batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.DONE)
        else None,
    )
    return render(request, "drive_import/batch.html", context, status=status)


def _batch_action(request: HttpRequest, batch: ImportBatch) -> None:
    action = request.POST.get("action", "")
    ip = client_ip(request)
    if action == "confirm":
        batches.batch_confirm(actor=request.user, batch=batch, ip=ip)
        messages.success(request, _("Đã bắt đầu nhập. Có thể rời trang này và quay lại sau."))
    elif action == "reapply":
        n = batches.batch_reapply_rules(actor=request.user, batch=batch, ip=ip)
        messages.success(request, _("Đã đề xuất lại %(n)s tệp theo quy tắc.") % {"n": n})
    elif action == "correct":
        ids = [int(i) for i in request.POST.getlist("item") if i.isdigit()]
        include = request.POST.get("include", "")
        changes = {
            "record_type": request.POST.get("record_type", ""),
            "owner": request.POST.get("owner", ""),
            "school_year": request.POST.get("school_year", ""),
            "period_key": request.POST.get("period_key", ""),
            "include": None if include == "" else include == "1",
        }
        folder = request.POST.get("folder", "")
        n = batches.items_correct(
            actor=request.user,
            batch=batch,
            changes=changes,
            item_ids=ids or None,
            folder=folder if not ids else "",
            ip=ip,
        )
        messages.success(request, _("Đã sửa %(n)s tệp.") % {"n": n})
    else:
        raise DomainError(_("Thao tác không hợp lệ."))


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress section, and the header's status with it (out of band); once the import
    is over, the page that polls it is reloaded, so that the tree shows each file's outcome."""
    batch = _batch(request, pk)
    context = {"progress": _progress(request, batch)}
    answer = render(request, "drive_import/_progress.html", context)
    if batch.status == BatchStatus.DONE and request.headers.get("HX-Request") == "true":
        answer["HX-Refresh"] = "true"
    return answer


@login_required
def batch_periods(request: HttpRequest, pk: int) -> HttpResponse:
    """The period select again for the year and record type chosen in the correction form."""
    batch = _batch(request, pk)
    year_id = request.GET.get("school_year", "")
    type_id = request.GET.get("record_type", "")
    context = _period_field(batch, year_id, type_id)
    return render(request, "drive_import/_period_field.html", context)


@login_required
def rules_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    context: dict[str, Any] = {"school": school}
    status = 200
    if request.method == "POST":
        try:
            _rule_action(request, school)
        except DomainError as error:
            context["error"] = error
            status = 400
        else:
            return redirect("drive_import:rules", pk=school.pk)
    rules.rules_ensure(school)
    context.update(
        rules=selectors.rules_of(school),
        types=rules.school_types(school),
        targets=RuleTarget.choices,
        back=request.GET.get("lo", ""),
    )
    return render(request, "drive_import/rules.html", context, status=status)


def _rule_action(request: HttpRequest, school: Any) -> None:
    ip = client_ip(request)
    if request.POST.get("action") == "delete":
        rule_id = request.POST.get("rule", "")
        rules.rule_delete(
            actor=request.user,
            school=school,
            rule_id=int(rule_id or 0) if rule_id.isdigit() else 0,
            ip=ip,
        )
        return
    type_id = request.POST.get("record_type", "")
    rules.rule_add(
        actor=request.user,
        school=school,
        pattern=request.POST.get("pattern", ""),
        target=request.POST.get("target", ""),
        record_type_id=int(type_id) if type_id.isdigit() else None,
        value=request.POST.get("value", ""),
        first=request.POST.get("where", "first") == "first",
        ip=ip,
    )


@login_required
@require_POST
def export_new(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    year = SchoolYear.objects.filter(pk=request.POST.get("school_year") or 0).first()
    if year is None:
        messages.error(request, _("Hãy chọn năm học cần xuất."))
        return redirect("drive_import:school", pk=school.pk)
    export = exports.export_request(
        actor=request.user, school=school, school_year=year, ip=client_ip(request)
    )
    return redirect("drive_import:export", pk=export.pk)


def _export(request: HttpRequest, pk: int) -> YearExport:
    return get_or_404(
        request.user,
        MANAGE,
        YearExport.objects.select_related("school", "school_year"),
        pk=pk,
    )


def _export_progress(export: YearExport) -> Progress:
    url = reverse("drive_import:export-progress", args=[export.pk])
    return Progress.of(export, url, [], done_word=_("đã xuất"), failed_word=_("chưa có PDF"))


@login_required
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export(request, pk)
    context = {"export": export, "progress": _export_progress(export), "school": export.school}
    return render(request, "drive_import/export.html", context)


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export(request, pk)
    return render(request, "core/_batch_progress.html", {"progress": _export_progress(export)})


@login_required
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    export = _export(request, pk)
    if export.status != ExportStatus.DONE or not export.result_sha256:
        raise Http404(NOT_FOUND_MESSAGE)
    exports.export_download_audit(actor=request.user, export=export, ip=client_ip(request))
    name = f"ho-so-{export.school.code}-{export.school_year.name}.zip"
    return FileResponse(
        exports.export_stream(export),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
