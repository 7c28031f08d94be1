"""Teacher, leader and principal pages: my records, queues, the record page and its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from hoso.conversion import Kind
from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.policy import can, get_or_404, visible
from hoso.records import chains, selectors, selectors_chains
from hoso.records.evidence.selectors import record_panel
from hoso.records.models import (
    Comment,
    Notification,
    RecordEvent,
    RecordState,
    RecordType,
    RecordVersion,
    RenditionStatus,
)
from hoso.records.notify import notifications_mark_read
from hoso.records.services import workflow
from hoso.records.services.deletion import record_delete
from hoso.records.services.versions import comment_add, record_upload, version_upload
from hoso.records.views.common import run_action, unit_id_from, upload_from
from hoso.records.views.files import visible_version

OPEN = {RecordState.DRAFT, RecordState.RETURNED}  # the author may submit
LOCKED = {RecordState.SUBMITTED, RecordState.APPROVED, RecordState.ARCHIVED}  # no new version


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    context = {
        "week": selectors.my_week(request.user),
        "returned": selectors.returned_to(request.user),
        "records": selectors.record_list(request.user, mine=True)[:50],
        "types": selectors.types_for_upload(request.user),
    }
    return render(request, "records/mine.html", context)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form (type and period pre-filled from a due item); POST: upload."""
    types = selectors.types_for_upload(request.user)
    chosen = request.POST.get("record_type") or request.GET.get("loai", "")
    unit_id = unit_id_from(request.POST.get("unit") or request.GET.get("lop"))
    record_type = next((t for t in types if t.code == chosen), types[0] if types else None)
    context: dict[str, Any] = {
        "types": types,
        "chosen": record_type.code if record_type else "",
        "period": request.POST.get("period") or request.GET.get("ky", ""),
        "title": request.POST.get("title", ""),
        # A GVCN of several classes says which class a homeroom book is for; of one, never.
        "classes": selectors.homeroom_classes_for(request.user, types),
        "chosen_unit": unit_id,
        "error": None,
    }
    if request.method == "POST":
        upload_file = upload_from(request)
        if record_type is None or record_type.code != chosen or upload_file is None:
            context["error"] = _("Hãy chọn loại hồ sơ và tệp cần tải lên.")
        else:
            try:
                version = record_upload(
                    actor=request.user,
                    record_type=record_type,
                    upload=upload_file,
                    title=context["title"],
                    period_key=context["period"],
                    unit_id=unit_id,
                    ip=client_ip(request),
                )
            except DomainError as error:
                context["error"] = error.message
            else:
                signs_first = chains.author_signs(chains.chain_for_record(version.record))
                button = _("Ký và trình") if signs_first else _("Trình duyệt")
                messages.success(
                    request,
                    _("Đã tải lên. Kiểm tra lại rồi bấm “%(button)s”.") % {"button": button},
                )
                return HttpResponseRedirect(reverse("records:detail", args=[version.record_id]))
    context.update(_period_field(request, record_type, unit_id, context["period"]))
    return render(request, "records/upload.html", context, status=400 if context["error"] else 200)


def _period_field(
    request: HttpRequest, record_type: RecordType | None, unit_id: int | None, asked: str
) -> dict[str, Any]:
    """The period select of the upload form: the periods of `record_type`, the one asked for
    (a due item's link, the form sent back) chosen when it is one of them."""
    choices = selectors.upload_periods(request.user, record_type, unit_id) if record_type else None
    selected = asked if choices is not None and asked in choices.keys else ""
    return {"periods": choices, "period": selected or (choices.default if choices else "")}


@login_required
def upload_periods(request: HttpRequest) -> HttpResponse:
    """The period select for another record type (htmx, when the type select changes)."""
    types = selectors.types_for_upload(request.user)
    code = request.GET.get("record_type", "")
    record_type = next((t for t in types if t.code == code), None)
    if record_type is None:
        raise Http404
    unit_id = unit_id_from(request.GET.get("unit"))
    context = _period_field(request, record_type, unit_id, request.GET.get("period", ""))
    return render(request, "records/_period_field.html", context)


def _record(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_or_404(
        request.user, "records.record.view", selectors.records_visible_to(request.user), pk=pk
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "records/detail.html", _detail_context(request, _record(request, pk)))


def _detail_context(request: HttpRequest, record: Any) -> dict[str, Any]:
    versions = list(selectors.versions_of(record))
    flow = selectors.open_workflow(record)
    chain = flow.chain if flow is not None else chains.chain_for_record(record)
    context = {
        "chain_words": chains.describe(chain, selectors.named_people(chain)),
        "chain_signs": chains.signs(chain),
        "author_signs": chains.author_signs(chain),
        "record": record,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "workflow": flow,
        "can_edit": can(request.user, "records.record.edit", record),
        "can_act": flow is not None and can(request.user, "records.workflow.act", flow),
        "pending_missing": selectors.pending_missing(flow),
        "subject_signing": selectors.subject_signing(flow),
        "can_archive": can(request.user, "records.record.archive", record),
        "events": RecordEvent.objects.filter(record=record).select_related("actor", "version"),
        "rendition": rendition_state(versions[0]) if versions else None,
        "can_delete": selectors.deletable(request.user, record),
        "return_note": selectors.return_note(record),
        "issued_unsigned": selectors.issued_unsigned(versions),
        "evidence": record_panel(request.user, record, versions),
    }
    context["actions"] = _actions(context)
    return context


def _actions(context: dict[str, Any]) -> dict[str, bool]:
    """Which forms of the "Thao tác" section this person gets; without any, no section (a
    heading over nothing, as the tổ trưởng saw after ký duyệt, reads like a page that failed)."""
    record, can_edit = context["record"], context["can_edit"]
    actions = {
        "submit": can_edit and record.state in OPEN and context["latest"] is not None,
        "new_version": can_edit and record.state not in LOCKED,
        "archive": context["can_archive"] and record.state == RecordState.ISSUED,
    }
    actions["any"] = any(actions.values()) or context["can_act"] or context["can_delete"]
    return actions


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a record; a refusal (retention period, rows still pointing at it) is shown on the
    record page with its HTTP status (403/409), and nothing is deleted."""
    record = _record(request, pk)
    try:
        record_delete(actor=request.user, record_id=record.pk, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
        context = _detail_context(request, record)
        return render(request, "records/detail.html", context, status=error.status)
    messages.success(request, _("Đã xóa hồ sơ “%(title)s”.") % {"title": record.title})
    return HttpResponseRedirect(reverse("records:mine"))


def rendition_state(version: RecordVersion) -> dict[str, Any]:
    """What the page says while a version's PDF / OCR is being made (busy: keep polling)."""
    busy = version.rendition_status == RenditionStatus.PENDING
    kind = Kind(version.kind) if version.kind in {k.value for k in Kind} else Kind.PDF
    if kind.is_office:
        step = _("Đang chuyển sang PDF…")
    elif kind is not Kind.PDF:
        step = _("Đang chuyển sang PDF và nhận dạng chữ (OCR)…")
    else:
        step = _("Đang tạo ảnh xem trước và trích văn bản…")
    running = busy and selectors.is_rendering(version.pk)
    state = _("Đang xử lý") if running else _("Đang chờ đến lượt")
    return {"busy": busy, "running": running, "state": state, "step": step}


@login_required
def version_progress(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The rendition block of one version, polled by the record page while it is busy."""
    version = visible_version(request, pk, number)
    context = {"record": version.record, "version": version, "rendition": rendition_state(version)}
    return render(request, "records/_rendition.html", context)


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    back = reverse("records:detail", args=[record.pk])
    upload_file = upload_from(request)
    if upload_file is None:
        messages.error(request, _("Hãy chọn tệp cần tải lên."))
        return HttpResponseRedirect(back)
    return run_action(
        request,
        lambda ip: version_upload(
            actor=request.user, record_id=record.pk, upload=upload_file, ip=ip
        ),
        _("Đã tải lên phiên bản mới."),
        back,
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    record = _record(request, pk)
    comment = request.POST.get("comment", "")
    back = reverse("records:detail", args=[record.pk])
    user = request.user
    author_signs = chains.author_signs(chains.chain_for_record(record))
    if action == "trinh" and author_signs:
        # the author's own signature comes first: USB token or remote signing, on "Chờ ký"
        back = reverse("signing:sign-queue") + f"#ho-so-{record.pk}"
    secret = request.POST.get("passphrase") or None
    actions = {
        "trinh": (
            lambda ip: workflow.record_submit(actor=user, record_id=record.pk, ip=ip),
            _("Đã mở bước ký của bạn: hãy ký để hoàn tất việc trình.")
            if author_signs
            else _("Đã trình duyệt."),
        ),
        "ky-va-trinh": (
            lambda ip: workflow.record_sign_and_submit(
                actor=user, record_id=record.pk, passphrase=secret, pin=secret, ip=ip
            ),
            _("Đã ký số và trình duyệt."),
        ),
        "rut-lai": (
            lambda ip: workflow.record_withdraw(actor=user, record_id=record.pk, ip=ip),
            _("Đã rút lại hồ sơ; hồ sơ trở lại bản nháp."),
        ),
        "duyet": (
            lambda ip: workflow.record_approve(
                actor=user, record_id=record.pk, comment=comment, ip=ip
            ),
            _("Đã duyệt."),
        ),
        "tra-lai": (
            lambda ip: workflow.record_return(
                actor=user, record_id=record.pk, comment=comment, ip=ip
            ),
            _("Đã trả lại hồ sơ kèm góp ý."),
        ),
        "luu-tru": (
            lambda ip: workflow.record_archive(actor=user, record_id=record.pk, ip=ip),
            _("Đã đưa vào lưu trữ."),
        ),
        "gop-y": (lambda ip: _comment(request, record, comment, ip), _("Đã gửi góp ý.")),
    }
    if action not in actions:
        raise Http404
    call, success = actions[action]
    return run_action(request, call, success, back)


def _comment(request: HttpRequest, record, body: str, ip: str) -> Comment:  # type: ignore[no-untyped-def]
    version = record.versions.order_by("-number").first()
    if version is None:
        raise DomainError(_("Hồ sơ chưa có phiên bản để góp ý."))
    return comment_add(actor=request.user, version=version, body=body, ip=ip)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/queue.html",
        {
            "title": _("Chờ duyệt"),
            "items": selectors.review_queue(request.user),
            "now": timezone.now(),
        },
    )


# The signing app's queue is the one "Chờ ký" page (it signs, one by one or in a batch).
signing_queue_moved = login_required(
    RedirectView.as_view(pattern_name="signing:sign-queue", permanent=True, query_string=True)
)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        return HttpResponseRedirect(reverse("records:notifications"))
    items = Notification.objects.filter(user_id=int(request.user.pk or 0))[:100]
    return render(request, "records/notifications.html", {"items": items})


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    types = RecordType.objects.filter(is_active=True).select_related("owner_unit").order_by("code")
    types = visible(request.user, "records.type.view", types)
    sets_chains = bool(selectors_chains.chain_units(request.user))
    return render(request, "records/catalogue.html", {"types": types, "sets_chains": sets_chains})
