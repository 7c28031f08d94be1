"""Pages of the offices: directives sent (with per-unit status), the form to send one, and
the inbox of the units below (open, read the signed document, answer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.offices import forms, selectors
from hoso.offices.exports import directive_workbook, xlsx_response
from hoso.offices.models import Audience, Directive, DirectiveRecipient, ReplyKind
from hoso.offices.services import directives as directive_service
from hoso.org.models import SchoolLevel
from hoso.policy import can, get_or_404
from hoso.storage import BlobNotFound, blob_store

PAGE = 200


def _directive(request: HttpRequest, pk: int) -> Directive:
    return get_or_404(
        request.user,
        "offices.directive.view",
        selectors.directives_visible_to(request.user),
        pk=pk,
    )


def _recipient(request: HttpRequest, pk: int) -> DirectiveRecipient:
    return get_or_404(
        request.user, "offices.recipient.view", selectors.inbox_visible_to(request.user), pk=pk
    )


@login_required
def directives(request: HttpRequest) -> HttpResponse:
    context = {
        "directives": selectors.directive_list(request.user)[:PAGE],
        "can_issue": can(request.user, "offices.office.act"),
    }
    return render(request, "offices/directives.html", context)


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    offices, office = selectors.office_choice(request.user, data.get("office"))
    if office is None:
        raise Http404(_("Chỉ cán bộ Phòng, Sở GDĐT gửi văn bản chỉ đạo."))
    context: dict[str, Any] = {
        "offices": offices,
        "office": office,
        "records": selectors.issued_office_records(request.user, [office])[:100],
        "units": selectors.units_below(office),
        "levels": SchoolLevel.choices,
        "audiences": Audience.choices,
        "reply_kinds": ReplyKind.choices,
        "form": data,
        "chosen_units": data.getlist("units"),
        "error": None,
    }
    if request.method == "POST":
        try:
            directive = directive_service.directive_issue(
                actor=request.user,
                office=office,
                record_id=forms.parse_id(data.get("record"), field="record", label=_("văn bản")),
                title=data.get("title", ""),
                number=data.get("number", ""),
                summary=data.get("summary", ""),
                audience=data.get("audience", ""),
                level=data.get("level", ""),
                unit_ids=forms.parse_ids(data.getlist("units"), field="units"),
                reply_kind=data.get("reply_kind", ReplyKind.NONE),
                reply_due_at=forms.parse_due(data.get("reply_due_at")),
                for_parents=data.get("for_parents") == "1",
                ip=client_ip(request),
            )
        except DomainError as error:
            context["error"] = error.message
        else:
            count = directive.recipients.count()
            messages.success(request, _("Đã gửi văn bản đến %(count)s đơn vị.") % {"count": count})
            return HttpResponseRedirect(reverse("offices:directive", args=[directive.pk]))
    status = 400 if context["error"] else 200
    return render(request, "offices/directive_new.html", context, status=status)


@login_required
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    rows = selectors.directive_rows(directive)
    context = {
        "directive": directive,
        "rows": rows,
        "late": [row for row in rows if row.late],
        "opened": sum(1 for row in rows if row.recipient.first_opened_at),
        "answered": sum(1 for row in rows if row.recipient.answered_at),
        "can_manage": can(request.user, "offices.directive.manage", directive),
    }
    return render(request, "offices/directive_detail.html", context)


@login_required
def directive_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    directive = _directive(request, pk)
    rows = selectors.directive_rows(directive)
    directive_service.directive_exported(
        actor=request.user, directive=directive, ip=client_ip(request)
    )
    return xlsx_response(directive_workbook(directive, rows), f"van-ban-{directive.pk}.xlsx")


@login_required
@require_POST
def directive_remind(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    try:
        count = directive_service.directive_remind(
            actor=request.user, directive_id=directive.pk, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã nhắc %(count)s đơn vị.") % {"count": count}
            if count
            else _("Không còn đơn vị nào phải nhắc."),
        )
    return HttpResponseRedirect(reverse("offices:directive", args=[directive.pk]))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.inbox_visible_to(request.user)[:PAGE]
    return render(request, "offices/inbox.html", {"rows": rows})


@login_required
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request, pk)
    directive_service.directive_open(
        actor=request.user, recipient_id=recipient.pk, ip=client_ip(request)
    )
    recipient.refresh_from_db()
    directive = recipient.directive
    context = {
        "row": recipient,
        "directive": directive,
        "opens": recipient.opens.select_related("user"),
        "can_answer": can(request.user, "offices.recipient.answer", recipient)
        and directive.reply_kind != ReplyKind.NONE
        and recipient.answered_at is None,
        "late": selectors.is_late(directive, recipient, timezone.now()),
    }
    return render(request, "offices/inbox_item.html", context)


@login_required
def inbox_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed PDF of the directive, for the units it was sent to (opening it counts)."""
    recipient = _recipient(request, pk)
    directive_service.directive_open(
        actor=request.user, recipient_id=recipient.pk, ip=client_ip(request)
    )
    version = recipient.directive.version
    sha = version.viewing_sha256
    if not sha:
        raise Http404(_("Bản PDF của văn bản chưa sẵn sàng."))
    try:
        stream = blob_store().open(sha)
    except BlobNotFound:
        raise Http404(_("Tệp không còn trong kho lưu trữ; hãy báo quản trị hệ thống.")) from None
    directive_service.directive_file_downloaded(
        actor=request.user, recipient=recipient, ip=client_ip(request)
    )
    stem = version.filename.rsplit(".", 1)[0] or "van-ban"
    response = FileResponse(
        stream, content_type="application/pdf", as_attachment=True, filename=f"{stem}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def inbox_answer(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request, pk)
    try:
        directive_service.directive_answer(
            actor=request.user,
            recipient_id=recipient.pk,
            text=request.POST.get("text", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi phản hồi."))
    return HttpResponseRedirect(reverse("offices:inbox-item", args=[recipient.pk]))
