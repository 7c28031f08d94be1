"""Record types a Sở (or a Phòng the Sở allows) defines or adapts for the schools below it:
the list with each type's state, a form to add or adapt one, retire, the Sở's delegation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hoso.core.errors import DomainError, NotAllowed
from hoso.core.http import client_ip
from hoso.org.models import SchoolLevel, UnitKind
from hoso.policy import can, get_or_404
from hoso.records import selectors_types
from hoso.records.catalogue import ALL_FORMATS
from hoso.records.models import Keeper, Period, RecordType
from hoso.records.services import office_types as service

NO_OFFICE = gettext_lazy(
    "Không tìm thấy đơn vị, hoặc bạn không quy định loại hồ sơ cho đơn vị này."
)


def _office(request: HttpRequest) -> Any:
    unit = selectors_types.office_unit(request.user, request.GET.get("don-vi", ""))
    if unit is None:
        raise Http404(NO_OFFICE)
    return unit


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    unit = _office(request)
    context = {
        "unit": unit,
        "units": selectors_types.office_units(request.user),
        "rows": selectors_types.office_type_rows(unit),
        "may_define": can(request.user, "records.type.define", unit),
        "may_delegate": can(request.user, "records.type.delegate", unit),
        "phong_allowed": unit.kind == UnitKind.SO and selectors_types.phong_allowed(unit),
    }
    return render(request, "records/office_types.html", context)


@login_required
def type_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record_type = get_or_404(
        request.user, "records.type.view", RecordType.objects.select_related("owner_unit"), pk=pk
    )
    context = {
        "t": record_type,
        "rule": service.DUE_RULES.get(service.due_rule_key(record_type.due_rule), ((), ""))[1],
        "may_revise": can(request.user, "records.type.revise", record_type),
        "history": selectors_types.type_history(record_type),
    }
    return render(request, "records/office_type_detail.html", context)


@login_required
def type_new(request: HttpRequest) -> HttpResponse:
    units = selectors_types.defining_units(request.user)
    unit = next((u for u in units if str(u.pk) == request.GET.get("don-vi")), None)
    unit = unit or (units[0] if units else None)
    if unit is None:
        raise Http404(NO_OFFICE)
    return _form(request, unit, None)


@login_required
def type_adapt(request: HttpRequest, pk: int) -> HttpResponse:
    base = get_or_404(
        request.user, "records.type.view", RecordType.objects.select_related("owner_unit"), pk=pk
    )
    units = selectors_types.defining_units(request.user)
    unit = next((u for u in units if str(u.pk) == request.GET.get("don-vi")), None)
    if unit is None and base.owner_unit in units:
        unit = base.owner_unit  # changing the office's own type
    if unit is None and units:
        unit = units[0]
    if unit is None:
        raise PermissionDenied(_("Bạn không được quy định loại hồ sơ cho các trường."))
    return _form(request, unit, base)


def _form(request: HttpRequest, unit: Any, base: RecordType | None) -> HttpResponse:
    values: dict[str, Any] = dict(service._from_base(base))
    values["effective_from"] = ""
    if request.method == "POST":
        posted = _posted(request)
        try:
            if base is None:
                saved = service.office_type_create(
                    actor=request.user,
                    unit=unit,
                    fields=posted,
                    effective_from=posted["effective_from"],
                    ip=client_ip(request),
                )
            else:
                saved = service.office_type_adapt(
                    actor=request.user,
                    unit=unit,
                    base=base,
                    fields=posted,
                    effective_from=posted["effective_from"],
                    ip=client_ip(request),
                )
        except DomainError as error:
            messages.error(request, error.message)
            context = _form_context(unit, base, posted, error.fields)
            return render(request, "records/office_type_form.html", context, status=error.status)
        messages.success(request, _("Đã lưu loại hồ sơ. Áp dụng từ ngày đã chọn."))
        return HttpResponseRedirect(reverse("records:office-type", args=[saved.pk]))
    return render(request, "records/office_type_form.html", _form_context(unit, base, values, {}))


def _posted(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "name": post.get("name", ""),
        "levels": post.getlist("levels"),
        "keeper": post.get("keeper", ""),
        "period": post.get("period", ""),
        "due_rule": post.get("due_rule", ""),
        "retention_years": post.get("retention_years", ""),
        "formats": post.getlist("formats"),
        "legal_source": post.get("legal_source", ""),
        "required": post.get("required", ""),
        "effective_from": post.get("effective_from", ""),
    }


def _form_context(
    unit: Any, base: RecordType | None, values: dict[str, Any], errors: dict[str, Any]
) -> dict[str, Any]:
    return {
        "unit": unit,
        "base": base,
        "v": values,
        "errors": errors or {},
        "levels": [(lv.value, lv.label) for lv in SchoolLevel if lv.value in service.LEVELS],
        "keepers": [(k.value, k.label) for k in Keeper if k.value in service.SCHOOL_KEEPERS],
        "periods": [(p.value, p.label) for p in Period],
        "due_rules": [(key, label) for key, (_p, label) in service.DUE_RULES.items()],
        "formats": ALL_FORMATS,
    }


@login_required
@require_POST
def type_retire(request: HttpRequest, pk: int) -> HttpResponse:
    record_type = get_or_404(
        request.user, "records.type.view", RecordType.objects.select_related("owner_unit"), pk=pk
    )
    try:
        service.office_type_retire(
            actor=request.user,
            record_type=record_type,
            retire_from=request.POST.get("retire_from", ""),
            ip=client_ip(request),
        )
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("records:office-type", args=[pk]))
    messages.success(request, _("Đã ghi ngày ngừng áp dụng loại hồ sơ; hồ sơ đã lập giữ nguyên."))
    return HttpResponseRedirect(reverse("records:office-type", args=[pk]))


@login_required
@require_POST
def type_delegation(request: HttpRequest) -> HttpResponse:
    units = selectors_types.office_units(request.user)
    unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
    if unit is None or not can(request.user, "records.type.delegate", unit):
        raise Http404(NO_OFFICE)
    service.type_delegation_set(
        actor=request.user,
        unit=unit,
        allow_phong=request.POST.get("allow_phong") == "1",
        ip=client_ip(request),
    )
    messages.success(request, _("Đã lưu việc phân cấp cho Phòng GDĐT."))
    return HttpResponseRedirect(reverse("records:office-types") + f"?don-vi={unit.pk}")
