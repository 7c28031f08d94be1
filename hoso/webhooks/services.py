"""Every write of the webhooks: endpoints (create, edit, disable, a new secret), the events the
issuing services announce (hoso.core.events), deliveries, their attempts, replays.

Sending happens after commit, in a huey task (hoso.webhooks.tasks), outside any transaction:
a delivery is claimed by moving its `next_attempt_at` forward (a lease), tried, and its outcome
written. Failures are retried after 1 min, 5 min, 30 min, 2 h and 12 h, then given up."""

from __future__ import annotations

import datetime as dt
import json
import secrets as random_secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.scheduling import later
from hoso.core.secrets import SecretGone, seal, unseal
from hoso.org.models import Unit
from hoso.policy import can
from hoso.webhooks import transport
from hoso.webhooks.models import (
    PING,
    SUBSCRIBABLE,
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    Event,
)

SECRET_PURPOSE = "webhooks.endpoint.secret"  # noqa: S105 — a sealing purpose, not a secret
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(minutes=2)  # longer than one attempt's timeouts


# --- endpoints -------------------------------------------------------------------------------


def _new_secret() -> str:
    return "whsec_" + random_secrets.token_urlsafe(32)


def _checked(name: str, url: str, events: list[str]) -> tuple[str, str, list[str]]:
    name, url = name.strip(), url.strip()
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = [_("Hãy đặt tên cho điểm nhận.")]
    if len(url) > 500:
        fields["url"] = [_("Địa chỉ nhận dài quá 500 ký tự.")]
    else:
        try:
            _s, host, port, _p = transport.check_url(url)
            transport.resolve(host, port)
        except transport.HostUnknown:
            pass  # checked again before every attempt; a name may be published later
        except transport.AddressRefused as refused:
            fields["url"] = [refused.message]
    wanted = list(dict.fromkeys(events))
    if not wanted or any(kind not in SUBSCRIBABLE for kind in wanted):
        fields["events"] = [_("Hãy chọn ít nhất một loại sự kiện trong danh sách.")]
    if fields:
        first = next(iter(fields.values()))[0]
        raise DomainError(first, fields=fields)
    return name[:120], url, wanted


def _require(actor: Any, obj: Any) -> None:
    if not can(actor, "webhooks.endpoint.manage", obj):
        raise NotAllowed(_("Bạn không quản lý webhook của đơn vị này."))


@transaction.atomic
def endpoint_create(
    *, actor: Any, unit: Unit, name: str, url: str, events: list[str], ip: str = ""
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret, returned once (shown once, then only its first
    characters)."""
    _require(actor, unit)
    name, url, events = _checked(name, url, events)
    secret = _new_secret()
    endpoint = Endpoint.objects.create(
        unit=unit,
        name=name,
        url=url,
        events=events,
        secret_sealed=seal(SECRET_PURPOSE, secret),
        secret_hint=secret[:10],
        created_by=actor,
    )
    audit_log(
        "webhooks.endpoint.created",
        actor=actor,
        obj=endpoint,
        unit_id=unit.pk,
        ip=ip,
        data={"url": url, "events": events},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    actor: Any,
    endpoint: Endpoint,
    name: str,
    url: str,
    events: list[str],
    is_active: bool,
    ip: str = "",
) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().select_related("unit").get(pk=endpoint.pk)
    _require(actor, endpoint)
    name, url, events = _checked(name, url, events)
    endpoint.name, endpoint.url, endpoint.events = name, url, events
    endpoint.is_active = is_active
    endpoint.save(update_fields=["name", "url", "events", "is_active", "updated_at"])
    audit_log(
        "webhooks.endpoint.updated",
        actor=actor,
        obj=endpoint,
        unit_id=endpoint.unit_id,
        ip=ip,
        data={"url": url, "events": events, "active": is_active},
    )
    return endpoint


@transaction.atomic
def endpoint_set_active(*, actor: Any, endpoint: Endpoint, active: bool, ip: str = "") -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().select_related("unit").get(pk=endpoint.pk)
    _require(actor, endpoint)
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active", "updated_at"])
    audit_log(
        "webhooks.endpoint.enabled" if active else "webhooks.endpoint.disabled",
        actor=actor,
        obj=endpoint,
        unit_id=endpoint.unit_id,
        ip=ip,
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor: Any, endpoint: Endpoint, ip: str = "") -> str:
    """A new secret replaces the old one at once; returned once."""
    endpoint = Endpoint.objects.select_for_update().select_related("unit").get(pk=endpoint.pk)
    _require(actor, endpoint)
    secret = _new_secret()
    endpoint.secret_sealed, endpoint.secret_hint = seal(SECRET_PURPOSE, secret), secret[:10]
    endpoint.save(update_fields=["secret_sealed", "secret_hint", "updated_at"])
    audit_log(
        "webhooks.endpoint.secret_rotated",
        actor=actor,
        obj=endpoint,
        unit_id=endpoint.unit_id,
        ip=ip,
    )
    return secret


@transaction.atomic
def endpoint_send_test(*, actor: Any, endpoint: Endpoint, ip: str = "") -> Delivery:
    """A "ping" event to this endpoint alone, active or not."""
    _require(actor, endpoint)
    event = Event.objects.create(
        kind=PING,
        unit_id=endpoint.unit_id,
        data={"message": "HoSo webhook test", "endpoint": endpoint.pk},
    )
    delivery = _deliver_later(endpoint, event)
    audit_log(
        "webhooks.endpoint.tested",
        actor=actor,
        obj=endpoint,
        unit_id=endpoint.unit_id,
        ip=ip,
        data={"delivery": delivery.pk},
    )
    return delivery


@transaction.atomic
def delivery_replay(*, actor: Any, delivery: Delivery, ip: str = "") -> Delivery:
    """The same event (same id: the receiver may deduplicate) sent again as a new delivery."""
    if not can(actor, "webhooks.delivery.manage", delivery):
        raise NotAllowed(_("Bạn không quản lý webhook của đơn vị này."))
    again = _deliver_later(delivery.endpoint, delivery.event, replay_of=delivery)
    audit_log(
        "webhooks.delivery.replayed",
        actor=actor,
        obj=delivery.endpoint,
        unit_id=delivery.endpoint.unit_id,
        ip=ip,
        data={"delivery": delivery.pk, "new": again.pk},
    )
    return again


# --- events ----------------------------------------------------------------------------------


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part.isdigit()]


def event_record(kind: str, unit_id: int, data: dict[str, Any]) -> None:
    """The sink of hoso.core.events: in the emitting transaction, an Event and one Delivery
    per active endpoint of the unit or of a unit above it (the office that oversees a school
    sees what the school issues) that listens to `kind`; sent after commit."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(
            is_active=True, unit_id__in=_ancestor_ids(unit) or [unit.pk]
        )
        if kind in endpoint.events
    ]
    if not endpoints:
        return
    event = Event.objects.create(kind=kind, unit=unit, data=data)
    for endpoint in endpoints:
        _deliver_later(endpoint, event)


def _deliver_later(endpoint: Endpoint, event: Event, replay_of: Delivery | None = None) -> Delivery:
    from hoso.webhooks.tasks import deliver

    delivery = Delivery.objects.create(
        endpoint=endpoint, event=event, next_attempt_at=timezone.now(), replay_of=replay_of
    )
    later(deliver, delivery.pk)
    return delivery


# --- sending ---------------------------------------------------------------------------------


def body_of(event: Event) -> bytes:
    unit = event.unit
    payload = {
        "id": str(event.uid),
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind},
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def headers_of(delivery: Delivery, body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "HoSo-Webhooks/1",
        "X-HoSo-Event": delivery.event.kind,
        "X-HoSo-Event-Id": str(delivery.event.uid),
        "X-HoSo-Delivery": str(delivery.pk),
        "X-HoSo-Timestamp": str(timestamp),
        "X-HoSo-Signature": "v1=" + transport.sign(secret, timestamp, body),
    }


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for one attempt; False if done, not due, or another worker has it."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    return claimed == 1


def delivery_attempt(delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """One attempt of a due delivery (None if it was not due or is done): idempotent."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("endpoint", "event", "event__unit").get(
        pk=delivery_id
    )
    if _switched_off(delivery):
        off = transport.Outcome(None, _("Điểm nhận đã bị tắt; sự kiện không được gửi."), 0)
        return _record_outcome(delivery_id, now, off, final=True)
    body = body_of(delivery.event)
    try:
        secret = unseal(SECRET_PURPOSE, delivery.endpoint.secret_sealed)
    except SecretGone:
        outcome = transport.Outcome(None, _("Không mở được khoá bí mật; hãy tạo khoá mới."), 0)
    else:
        timestamp = int(now.timestamp())
        outcome = transport.post(
            delivery.endpoint.url, body, headers_of(delivery, body, secret, timestamp)
        )
    return _record_outcome(delivery_id, now, outcome)


def _switched_off(delivery: Delivery) -> bool:
    """A disabled endpoint gets nothing automatic; a test or a replay is asked for by hand."""
    explicit = delivery.replay_of_id is not None or delivery.event.kind == PING
    return not delivery.endpoint.is_active and not explicit


@transaction.atomic
def _record_outcome(
    delivery_id: int, now: dt.datetime, outcome: transport.Outcome, final: bool = False
) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    delivery.attempts += 1
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        response_code=outcome.response_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    delivery.last_attempt_at, delivery.response_code = now, outcome.response_code
    delivery.error = outcome.error
    if outcome.ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
    elif final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "response_code",
            "error",
            "status",
            "next_attempt_at",
        ]
    )
    return delivery


def due_deliveries(now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def deliveries_run_due(now: dt.datetime | None = None) -> int:
    """Attempt every due delivery (the retry sweep); how many were attempted."""
    now = now or timezone.now()
    return sum(delivery_attempt(pk, now) is not None for pk in due_deliveries(now))
