"""Demo endpoints: two for th1 (the reference school), one each for thcs1 and th2, and one
for phong1, each with one logged test delivery. Their addresses are under example.invalid
(RFC 6761: never resolves), so the demo sends nothing out: a delivery there fails with "no
such host", as the logged one shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hoso.core.events import HOCBA_ISSUED, RECORD_ISSUED, REPORT_SUBMITTED
from hoso.core.secrets import seal
from hoso.org.demo import DemoProvince, register_demo_step
from hoso.webhooks.models import PING, Attempt, Delivery, DeliveryStatus, Endpoint, Event
from hoso.webhooks.services import SECRET_PURPOSE

DEMO_ENDPOINTS = [
    ("th1", "Phần mềm quản lý trường", [RECORD_ISSUED, HOCBA_ISSUED]),
    ("th1", "Kho lưu trữ của trường", [RECORD_ISSUED]),
    ("thcs1", "Phần mềm quản lý trường", [RECORD_ISSUED, HOCBA_ISSUED]),
    ("th2", "Phần mềm quản lý trường", [RECORD_ISSUED]),
    ("phong1", "Hệ thống điều hành của Phòng", [REPORT_SUBMITTED, RECORD_ISSUED]),
]


def demo_webhooks(province: DemoProvince) -> None:
    for number, (key, name, events) in enumerate(DEMO_ENDPOINTS, start=1):
        unit = province.units.get(key)
        if unit is None:
            continue
        secret = f"whsec_demo_{key}_{number}"
        endpoint = Endpoint.objects.create(
            unit=unit,
            name=name,
            url=f"https://{key}.example.invalid/hoso/webhook",
            events=events,
            secret_sealed=seal(SECRET_PURPOSE, secret),
            secret_hint=secret[:10],
            created_by=province.users.get("admin"),
        )
        _logged_test(endpoint, province)


def _logged_test(endpoint: Endpoint, province: DemoProvince) -> None:
    """A test event tried once and given up (written as the sender would, without sending)."""
    event = Event.objects.create(
        kind=PING, unit=endpoint.unit, data={"message": "HoSo webhook test"}
    )
    host = endpoint.url.split("/")[2]
    error = _("Không tìm thấy máy chủ %(host)s.") % {"host": host}
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event=event,
        status=DeliveryStatus.FAILED,
        attempts=1,
        last_attempt_at=province.now,
        error=error,
    )
    Attempt.objects.create(delivery=delivery, number=1, at=province.now, error=error)


register_demo_step(demo_webhooks, order=900)  # after the demo issues its records
