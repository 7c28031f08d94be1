"""The school's pages about families: the classes one manages; a class's parents (made from
the particulars, completed with phone and e-mail, invited), its printed code sheet, and the
consent list (given, withdrawn, no answer) with paper forms entered by the school."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.families import selectors
from hoso.families.forms import ContactForm
from hoso.families.models import ParentContact
from hoso.families.services.consent import consent_give, consent_withdraw
from hoso.families.services.contacts import contact_update, contacts_from_particulars
from hoso.families.services.invitations import CODE_DAYS, code_sheet_issue, invitation_email_send
from hoso.org.models import Unit
from hoso.policy import can, get_or_404


@login_required
def classes(request: HttpRequest) -> HttpResponse:
    return render(
        request, "families/classes.html", {"classes": selectors.classes_managed(request.user)}
    )


def _class(request: HttpRequest, pk: int) -> Unit:
    return get_or_404(request.user, "families.class.manage", Unit.objects.all(), pk=pk)


@login_required
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    may_list = can(request.user, "families.consent.list", school_class)
    return render(
        request,
        "families/class.html",
        {
            "school_class": school_class,
            "contacts": selectors.class_contacts(school_class),
            "rows": selectors.consent_rows(school_class) if may_list else None,
            "code_days": CODE_DAYS,
        },
    )


@login_required
@require_POST
def make_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    made = contacts_from_particulars(
        actor=request.user, school_class=school_class, ip=client_ip(request)
    )
    messages.success(request, _("Đã tạo %(n)d mục cha mẹ từ lý lịch học sinh.") % {"n": made})
    return redirect("families:class", pk=pk)


@login_required
@require_POST
def contact_edit(request: HttpRequest, pk: int, contact_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    contact = _contact_in(request, school_class, contact_id)
    form = ContactForm(request.POST)
    form.is_valid()
    try:
        contact_update(
            actor=request.user,
            contact=contact,
            phone=form.cleaned_data.get("phone", ""),
            email=form.cleaned_data.get("email", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã lưu."))
    return redirect("families:class", pk=pk)


def _contact_in(request: HttpRequest, school_class: Unit, contact_id: int) -> ParentContact:
    contact = selectors.class_contacts(school_class).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


@login_required
@require_POST
def invite(request: HttpRequest, pk: int, contact_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    contact = _contact_in(request, school_class, contact_id)
    try:
        invitation_email_send(actor=request.user, contact=contact, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi thư mời đến %(email)s.") % {"email": contact.email})
    return redirect("families:class", pk=pk)


@login_required
@require_POST
def code_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    try:
        lines = code_sheet_issue(
            actor=request.user, school_class=school_class, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("families:class", pk=pk)
    return render(
        request,
        "families/code_sheet.html",
        {"school_class": school_class, "lines": lines, "days": CODE_DAYS},
    )


@login_required
@require_POST
def paper_consent(request: HttpRequest, pk: int, user_id: int, student_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    student = selectors.class_students(school_class).filter(pk=student_id).first()
    parent = get_user_model().objects.filter(pk=user_id).first()
    if student is None or parent is None:
        raise Http404
    service = consent_withdraw if request.POST.get("action") == "withdraw" else consent_give
    try:
        service(actor=request.user, student=student, parent=parent, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi phiếu giấy của cha mẹ."))
    return redirect("families:class", pk=pk)
