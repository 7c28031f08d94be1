"""Demo endpoints: two for th1 (the reference school), one each for thcs1 and th2, and one
for phong1. Their addresses are under example.invalid (RFC 6761: never resolves), so the demo
never sends anything out; a delivery fails with "no such host" and shows the retry log."""

from __future__ import annotations

from hoso.core.events import HOCBA_ISSUED, RECORD_ISSUED, REPORT_SUBMITTED
from hoso.core.secrets import seal
from hoso.org.demo import DemoProvince, register_demo_step
from hoso.webhooks.models import Endpoint
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
        Endpoint.objects.create(
            unit=unit,
            name=name,
            url=f"https://{key}.example.invalid/hoso/webhook",
            events=events,
            secret_sealed=seal(SECRET_PURPOSE, secret),
            secret_hint=secret[:10],
            created_by=province.users.get("admin"),
        )


register_demo_step(demo_webhooks, order=900)  # after the demo issues its records
