"""Signing chains set by the Sở, the Phòng or the school it allows: the list of record types
with the chain that applies at the unit, and one type's form (steps, who below may set their
own, back to what the unit above sets) with its history."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.core.http import client_ip
from hoso.records import chains, selectors, selectors_chains
from hoso.records.models import AUTHOR, HOMEROOM_TEACHER, Delegation, RecordType, StepAction
from hoso.records.services.chain_settings import chain_setting_reset, chain_setting_save

BLANK_ROWS = 2


def _unit_or_404(request: HttpRequest, unit_id: int | None) -> Any:
    units = selectors_chains.chain_units(request.user)
    if unit_id is None and units:
        return units[0], units
    unit = selectors_chains.chain_unit(request.user, unit_id)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị, hoặc bạn không thiết lập chuỗi ký cho đơn vị này."))
    return unit, units if unit in units else [unit, *units]


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    unit_param = request.GET.get("don-vi", "")
    unit, units = _unit_or_404(request, int(unit_param) if unit_param.isdigit() else None)
    rows = selectors_chains.chain_rows(unit)
    context = {"unit": unit, "units": units, "rows": rows}
    return render(request, "records/chains.html", context)


@login_required
def chain_edit(request: HttpRequest, unit_id: int, type_id: int) -> HttpResponse:
    unit, _ = _unit_or_404(request, unit_id)
    record_type = _type_or_404(unit, type_id)
    back = reverse("records:chain-edit", args=[unit.pk, record_type.pk])
    if request.method == "POST":
        try:
            _save(request, unit, record_type)
        except DomainError as error:
            messages.error(request, error.message)
            context = _edit_context(unit, record_type, _posted_steps(request))
            return render(request, "records/chain_edit.html", context, status=error.status)
        return HttpResponseRedirect(back)
    resolved = chains.resolve(record_type, unit)
    return render(request, "records/chain_edit.html", _edit_context(unit, record_type, resolved))


def _save(request: HttpRequest, unit: Any, record_type: RecordType) -> None:
    ip = client_ip(request)
    if request.POST.get("reset"):
        chain_setting_reset(actor=request.user, unit=unit, record_type=record_type, ip=ip)
        messages.success(request, _("Đã trở về chuỗi do cấp trên (hoặc danh mục) quy định."))
        return
    chain_setting_save(
        actor=request.user,
        unit=unit,
        record_type=record_type,
        chain=_posted_steps(request),
        delegate_to=request.POST.get("delegate_to", ""),
        ip=ip,
    )
    messages.success(request, _("Đã lưu chuỗi duyệt, ký. Hồ sơ trình từ bây giờ theo chuỗi mới."))


def _posted_steps(request: HttpRequest) -> list[dict[str, Any]]:
    """The form's rows in order; a row with neither action nor person is left out."""
    steps = []
    rows = zip_longest(  # a client may leave out the optional columns
        request.POST.getlist("action"),
        request.POST.getlist("role"),
        request.POST.getlist("user"),
        request.POST.getlist("together"),
        fillvalue="",
    )
    for action, role, user, together in rows:
        if action or role:
            step: dict[str, Any] = {"action": action, "role": role}
            if user:
                step["user"] = user
            if together == "1":
                step["together"] = True
            steps.append(step)
    return steps


def _type_or_404(unit: Any, type_id: int) -> RecordType:
    record_type = next((t for t in selectors_chains.chain_types(unit) if t.pk == type_id), None)
    if record_type is None:
        raise Http404(_("Không tìm thấy loại hồ sơ."))
    return record_type


def _edit_context(unit: Any, record_type: RecordType, chain: Any) -> dict[str, Any]:
    resolved = chains.resolve(record_type, unit)
    steps = chain.chain if isinstance(chain, chains.Resolved) else chain
    own = resolved.source is not None and resolved.source.unit_id == unit.pk
    above = chains.chain_above(record_type, unit)
    roles = [(r, chains.role_label(r)) for r in chains.step_roles(record_type)]
    people = _people(unit, record_type)
    return {
        "unit": unit,
        "record_type": record_type,
        "resolved": resolved,
        "words": chains.describe(resolved.chain, selectors.named_people(resolved.chain)),
        "above_words": chains.describe(above.chain, selectors.named_people(above.chain)),
        "own": own,
        "may_set": chains.may_set_at(record_type, unit),
        "rows": list(steps) + [{}] * max(BLANK_ROWS, 0),
        "actions": [(a.value, a.label) for a in StepAction],
        "roles": roles,
        "people": people,
        "delegations": [(d.value, d.label) for d in Delegation] if unit.kind != "TRUONG" else [],
        "delegate_to": resolved.source.delegate_to if own and resolved.source else "",
        "history": selectors_chains.chain_history(unit, record_type),
    }


def _people(unit: Any, record_type: RecordType) -> list[tuple[int, str]]:
    """People the chain may name (only at the unit that keeps the records)."""
    if not chains.keeps_records(record_type, unit):
        return []
    found: dict[int, str] = {}
    for role in chains.step_roles(record_type):
        if role in (AUTHOR, HOMEROOM_TEACHER):  # found from the record, never named
            continue
        for person_id, name in chains.people_for_role(unit, role):
            found.setdefault(person_id, f"{name} — {chains.role_label(role).lower()}")
    return sorted(found.items(), key=lambda item: item[1])
