"""Pages of the webhooks: the list, add, one endpoint with its deliveries, edit, enable or
disable, a new secret, a test event, one delivery with its attempts, replay."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.errors import NOT_FOUND_MESSAGE, DomainError
from hoso.core.http import client_ip
from hoso.policy import get_or_404
from hoso.webhooks import selectors, services
from hoso.webhooks.forms import EndpointAddForm, EndpointEditForm
from hoso.webhooks.models import Delivery, DeliveryStatus, Endpoint

MANAGE = "webhooks.endpoint.manage"


def _endpoint(request: HttpRequest, pk: int) -> Endpoint:
    return get_or_404(request.user, MANAGE, Endpoint.objects.select_related("unit"), pk=pk)


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    rows = Delivery.objects.select_related("endpoint", "endpoint__unit", "event")
    return get_or_404(request.user, "webhooks.delivery.manage", rows, pk=pk)


def _form_errors(form: Any, error: DomainError) -> None:
    for field, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    units = list(selectors.units_managed_by(request.user))
    endpoints = list(selectors.endpoints_visible_to(request.user))
    if not units and not endpoints:
        raise Http404(NOT_FOUND_MESSAGE)
    context = {"endpoints": endpoints, "can_add": bool(units)}
    return render(request, "webhooks/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_add(request: HttpRequest) -> HttpResponse:
    units = list(selectors.units_managed_by(request.user))
    if not units:
        raise Http404(NOT_FOUND_MESSAGE)
    form = EndpointAddForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
            try:
                endpoint, secret = services.endpoint_create(
                    actor=request.user,
                    unit=unit,
                    name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                _form_errors(form, error)
            else:
                return _secret_page(request, endpoint, secret, created=True)
    return render(request, "webhooks/form.html", {"form": form}, status=status)


def _secret_page(
    request: HttpRequest, endpoint: Endpoint, secret: str, created: bool
) -> HttpResponse:
    """The secret, this once: the page is not stored by the browser (no-store)."""
    context = {"endpoint": endpoint, "secret": secret, "created": created}
    response = render(request, "webhooks/secret.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    context = {
        "endpoint": endpoint,
        "deliveries": list(selectors.deliveries_of(endpoint)),
        "failed": DeliveryStatus.FAILED,
    }
    return render(request, "webhooks/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    form = EndpointEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.endpoint_update(
                    actor=request.user,
                    endpoint=endpoint,
                    name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    is_active=form.cleaned_data["is_active"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Đã lưu điểm nhận."))
                return redirect("webhooks:detail", pk=endpoint.pk)
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/form.html", context, status=status)


@login_required
@require_POST
def endpoint_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    services.endpoint_set_active(
        actor=request.user, endpoint=endpoint, active=not endpoint.is_active, ip=client_ip(request)
    )
    return redirect("webhooks:detail", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    secret = services.endpoint_rotate_secret(
        actor=request.user, endpoint=endpoint, ip=client_ip(request)
    )
    endpoint.refresh_from_db()
    return _secret_page(request, endpoint, secret, created=False)


@login_required
@require_POST
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    delivery = services.endpoint_send_test(
        actor=request.user, endpoint=endpoint, ip=client_ip(request)
    )
    messages.success(request, _("Đã xếp hàng gửi sự kiện thử."))
    return redirect("webhooks:delivery", pk=delivery.pk)


@login_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "attempts": list(selectors.attempts_of(delivery)),
        "body": services.body_of(delivery.event).decode("utf-8"),
    }
    return render(request, "webhooks/delivery.html", context)


@login_required
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    again = services.delivery_replay(actor=request.user, delivery=delivery, ip=client_ip(request))
    messages.success(request, _("Đã xếp hàng gửi lại sự kiện."))
    return redirect("webhooks:delivery", pk=again.pk)
